// The OS and CPU a native file was built for, read from its header (ELF, Mach-O, PE), so a package
// for one target is checked to carry no other target's binaries even when built on another machine.
import * as fs from 'node:fs';

const ELF_MACHINE = { 0x3e: 'x64', 0xb7: 'arm64' };
const MACHO_CPU = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
const PE_MACHINE = { 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'ia32' };

/** e.g. ['linux', ['x64']], ['darwin', ['x64', 'arm64']] for a universal binary; undefined if unknown. */
export function binaryTarget(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    const b = head.subarray(0, n);
    if (b.readUInt32BE(0) === 0x7f454c46) return ['linux', [ELF_MACHINE[b.readUInt16LE(18)] ?? 'unknown']];
    if (b.readUInt32LE(0) === 0xfeedfacf) return ['darwin', [MACHO_CPU[b.readUInt32LE(4)] ?? 'unknown']];
    if (b.readUInt32BE(0) === 0xcafebabe) {
      // Universal (fat) Mach-O: big-endian count, then 20-byte entries starting with the CPU type.
      const count = b.readUInt32BE(4);
      return ['darwin', Array.from({ length: count }, (_, i) => MACHO_CPU[b.readUInt32BE(8 + i * 20)] ?? 'unknown')];
    }
    if (b.toString('latin1', 0, 2) === 'MZ') {
      const pe = b.readUInt32LE(0x3c);
      if (pe + 6 <= n && b.toString('latin1', pe, pe + 4) === 'PE\0\0') return ['win32', [PE_MACHINE[b.readUInt16LE(pe + 4)] ?? 'unknown']];
    }
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether the file runs on `target` ('linux-x64', 'darwin-arm64', ...). */
export function runsOn(file, target) {
  const [os, cpu] = target.split('-');
  const t = binaryTarget(file);
  return Boolean(t && t[0] === os && t[1].includes(cpu));
}
