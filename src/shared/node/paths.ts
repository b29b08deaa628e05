/** Containment of paths, for every check that keeps a path built from outside input inside its root. */
import * as path from 'node:path';

/** `p` lies below `root` (not `root` itself). Compared as resolved paths: `..` segments do not escape. */
export function isInside(root: string, p: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(p));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** `p` is `root` or lies below it. */
export function isWithin(root: string, p: string): boolean {
  return path.resolve(root) === path.resolve(p) || isInside(root, p);
}
