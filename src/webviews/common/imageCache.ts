/** Sample grid images by URI: each loaded once, the newest kept (a long run has hundreds of grids). */
const MAX = 160;
const cache = new Map<string, Promise<HTMLImageElement>>();

export function loadImage(uri: string): Promise<HTMLImageElement> {
  const hit = cache.get(uri);
  if (hit) {
    // Most recently used last, so the oldest is dropped first.
    cache.delete(uri);
    cache.set(uri, hit);
    return hit;
  }
  const p = new Promise<HTMLImageElement>((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => {
      cache.delete(uri);
      reject(new Error(`could not load ${uri}`));
    };
    img.src = uri;
  });
  cache.set(uri, p);
  while (cache.size > MAX) cache.delete(cache.keys().next().value!);
  return p;
}

/** The image if it has loaded already, else undefined (and `onLoad` is called once it has). */
export function loadedImage(uri: string, onLoad: () => void, loaded: Map<string, HTMLImageElement>): HTMLImageElement | undefined {
  const img = loaded.get(uri);
  if (img) return img;
  loadImage(uri).then(
    (i) => {
      if (!loaded.has(uri)) {
        loaded.set(uri, i);
        if (loaded.size > MAX) loaded.delete(loaded.keys().next().value!);
        onLoad();
      }
    },
    () => undefined,
  );
  return undefined;
}
