import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import { coresInCpuinfo, cpuCores } from '../../../src/trainer/engine/cpuCores';

const cpu = (processor: number, physical: number, core: number) =>
  `processor\t: ${processor}\nvendor_id\t: GenuineIntel\nphysical id\t: ${physical}\nsiblings\t: 4\ncore id\t\t: ${core}\ncpu cores\t: 2\n`;

describe('physical cores', () => {
  it('counts hyperthreads of one core once', () => {
    // Two cores with two hyperthreads each.
    assert.equal(coresInCpuinfo([cpu(0, 0, 0), cpu(1, 0, 1), cpu(2, 0, 0), cpu(3, 0, 1)].join('\n')), 2);
  });

  it('tells cores of two sockets apart though their core ids repeat', () => {
    assert.equal(coresInCpuinfo([cpu(0, 0, 0), cpu(1, 0, 1), cpu(2, 1, 0), cpu(3, 1, 1)].join('\n')), 4);
  });

  it('counts none where /proc/cpuinfo names no cores (the logical count is used then)', () => {
    assert.equal(coresInCpuinfo('processor\t: 0\nBogoMIPS\t: 50.00\n\nprocessor\t: 1\nBogoMIPS\t: 50.00\n'), 0);
  });

  it('on this machine: at least one, and never more than the logical cores this process may use', () => {
    const { physical, logical } = cpuCores();
    assert.equal(logical, os.availableParallelism());
    assert.ok(physical >= 1 && physical <= logical, `${physical} physical of ${logical}`);
  });
});
