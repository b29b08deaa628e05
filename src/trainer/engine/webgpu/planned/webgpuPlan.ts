/// <reference types="@webgpu/types" />
/**
 * A captured step (webgpuCapture.ts) turned into a fixed plan: its own buffers, one bind group per
 * dispatch built once, and a replay that encodes the whole step into one command buffer. What
 * tfjs does per kernel at run time (engine bookkeeping, shader-key lookup, uniform upload, bind
 * group creation, queue submits every few kernels) happens once here, at build time.
 *
 * Every buffer the captured work touched maps to a copy owned by the plan, so tfjs may reuse its
 * own buffers freely afterwards:
 *  - state (variables, optimiser slots): one dedicated buffer each, holding the value at the start
 *    of a step; the step writes new values elsewhere and a copy at its end moves them back;
 *  - inputs (the step's batches): rewritten from the host before each replay;
 *  - constants (uniform blocks, uploaded scalars): written once at build time;
 *  - work buffers: one per tfjs buffer, so the plan reuses memory exactly as the capture did;
 *  - tensors that lived through the capture unchanged (cached constants): copied once;
 *  - external buffers (owned by a kernel, written by their owner before each replay): used as is.
 */
import type { CapturedOp } from './webgpuCapture';

type CloneKind = 'const' | 'state' | 'input' | 'work' | 'frozen' | 'external';

interface Clone {
  kind: CloneKind;
  size: number;
  usage: number;
  /** Initial content: bytes (constants) or a buffer to copy from at build time. */
  init?: Uint8Array | GPUBuffer;
  buffer?: GPUBuffer;
}

export interface PlanSpec {
  /** State: its buffer when the capture started and when it ended. */
  state: { key: string; before: GPUBuffer; after: GPUBuffer }[];
  /** Per-replay host inputs, recognised by the tensor upload that fed them during the capture. */
  inputs: { key: string; dataId: object }[];
  /** Values the caller reads after a replay (the losses). */
  outputs: { key: string; buffer: GPUBuffer }[];
  external: ReadonlySet<GPUBuffer>;
  /** Bindings a pipeline writes; tfjs programs write binding 0 only. */
  writableBindings(pipeline: GPUComputePipeline): readonly number[];
}

export class PlanError extends Error {}

type PlannedOp =
  | {
      kind: 'dispatch';
      pipeline: GPUComputePipeline;
      workgroups: [number, number, number];
      /** What the bind group binds; the group itself is built once the buffers exist. */
      layout: GPUBindGroupLayout;
      entries: { binding: number; offset?: number; size?: number; clone: Clone }[];
      group?: GPUBindGroup;
    }
  | { kind: 'copy'; src: Clone; srcOffset: number; dst: Clone; dstOffset: number; size: number };

// GPUBufferUsage.MAP_READ | MAP_WRITE (the global exists only once the webgpu package is loaded).
const MAP_FLAGS = 0x1 | 0x2;

export class WebgpuPlan {
  private readonly clones: Clone[] = [];
  private readonly ops: PlannedOp[] = [];
  private readonly endCopies: [Clone, Clone][] = [];
  /** State the step changes (the rest it only reads). */
  readonly changedState: string[] = [];
  private readonly stateClones = new Map<string, Clone>();
  private readonly inputClones = new Map<string, Clone>();
  private readonly outputClones = new Map<string, Clone>();
  readonly dispatches: number;

  constructor(
    private readonly device: GPUDevice,
    captured: CapturedOp[],
    spec: PlanSpec,
  ) {
    const current = new Map<GPUBuffer, Clone>();
    const work = new Map<GPUBuffer, Clone>();
    const written = new Set<GPUBuffer>();
    const clone = (kind: CloneKind, like: GPUBuffer, init?: Uint8Array | GPUBuffer): Clone => {
      const c: Clone = {
        kind,
        size: like.size,
        usage: (like.usage & ~MAP_FLAGS) | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
        init,
      };
      if (kind === 'external') c.buffer = like;
      this.clones.push(c);
      return c;
    };
    for (const s of spec.state) {
      if (current.has(s.before)) throw new PlanError(`state ${s.key} shares its buffer with other state`);
      const c = clone('state', s.before, s.after);
      current.set(s.before, c);
      this.stateClones.set(s.key, c);
    }
    const inputByData = new Map(spec.inputs.map((i) => [i.dataId, i.key]));
    const read = (b: GPUBuffer): Clone => {
      const c = current.get(b);
      if (c) return c;
      if (spec.external.has(b)) return remember(b, clone('external', b));
      // Alive before the step and not written during it: a constant the step only reads.
      if (written.has(b)) throw new PlanError('the step reads a buffer whose earlier content it overwrote');
      return remember(b, clone('frozen', b, b));
    };
    const write = (b: GPUBuffer): Clone => {
      written.add(b);
      let c = work.get(b);
      if (!c) work.set(b, (c = clone('work', b)));
      return remember(b, c);
    };
    const remember = (b: GPUBuffer, c: Clone) => (current.set(b, c), c);

    let dispatches = 0;
    for (const op of captured) {
      if (op.kind === 'write') {
        const key = op.dataId && inputByData.get(op.dataId);
        if (key) {
          const c = clone('input', op.buffer);
          this.inputClones.set(key, c);
          remember(op.buffer, c);
        } else {
          if (op.offset !== 0) throw new PlanError('a partial write into a buffer');
          remember(op.buffer, clone('const', op.buffer, op.bytes));
        }
        written.add(op.buffer);
      } else if (op.kind === 'copy') {
        const src = read(op.src);
        this.ops.push({ kind: 'copy', src, srcOffset: op.srcOffset, dst: write(op.dst), dstOffset: op.dstOffset, size: op.size });
      } else {
        const writes = spec.writableBindings(op.pipeline);
        // Reads first: a kernel never binds the buffer it writes as an input too.
        const reads = op.entries.map((e) => (writes.includes(e.binding) ? undefined : read(e.buffer)));
        const entries = op.entries.map((e, i) => ({
          binding: e.binding,
          offset: e.offset,
          size: e.size,
          clone: reads[i] ?? write(e.buffer),
        }));
        this.ops.push({ kind: 'dispatch', pipeline: op.pipeline, workgroups: op.workgroups, layout: op.layout, entries });
        dispatches++;
      }
    }
    this.dispatches = dispatches;
    for (const s of spec.state) {
      const start = this.stateClones.get(s.key)!;
      const end = current.get(s.after) ?? (s.after === s.before ? start : undefined);
      if (!end) throw new PlanError(`state ${s.key} ends in a buffer the step never wrote`);
      if (end === start) continue;
      if (end.kind === 'state')
        throw new PlanError(`state ${s.key} ends holding the start value of ${[...this.stateClones].find(([, c]) => c === end)?.[0]}`);
      this.endCopies.push([end, start]);
      this.changedState.push(s.key);
    }
    for (const o of spec.outputs) {
      const c = current.get(o.buffer);
      if (!c) throw new PlanError(`output ${o.key} was not produced by the step`);
      this.outputClones.set(o.key, c);
    }
    for (const { key } of spec.inputs) if (!this.inputClones.has(key)) throw new PlanError(`input ${key} was not uploaded during the step`);
    this.materialise();
  }

  /** Creates the buffers, fills constants, copies state and frozen tensors in, builds bind groups. */
  private materialise(): void {
    const copies: [GPUBuffer, Clone][] = [];
    for (const c of this.clones) {
      if (c.buffer) continue;
      const bytes = c.init instanceof Uint8Array ? c.init : undefined;
      c.buffer = this.device.createBuffer({ size: c.size, usage: c.usage, mappedAtCreation: !!bytes });
      if (bytes) {
        new Uint8Array(c.buffer.getMappedRange()).set(bytes.subarray(0, c.size));
        c.buffer.unmap();
      } else if (c.init instanceof GPUBuffer) {
        copies.push([c.init, c]);
      }
    }
    const encoder = this.device.createCommandEncoder();
    for (const [from, to] of copies) encoder.copyBufferToBuffer(from, 0, to.buffer!, 0, Math.min(from.size, to.size));
    this.device.queue.submit([encoder.finish()]);
    for (const op of this.ops) {
      if (op.kind !== 'dispatch') continue;
      op.group = this.device.createBindGroup({
        layout: op.layout,
        entries: op.entries.map((e) => ({ binding: e.binding, resource: { buffer: e.clone.buffer!, offset: e.offset, size: e.size } })),
      });
    }
  }

  /**
   * Runs the step once: writes the inputs, encodes every dispatch and copy in order, moves the new
   * state into place, and when `read` is set copies the outputs out for reading.
   */
  replay(inputs: Record<string, ArrayBufferView>, read = false): Promise<Record<string, Float32Array>> | undefined {
    const queue = this.device.queue;
    for (const [key, c] of this.inputClones) {
      const data = inputs[key];
      if (!data) throw new PlanError(`missing input ${key}`);
      if (data.byteLength > c.size) throw new PlanError(`input ${key} is ${data.byteLength} bytes, the plan holds ${c.size}`);
      queue.writeBuffer(c.buffer!, 0, data.buffer, data.byteOffset, data.byteLength);
    }
    const encoder = this.device.createCommandEncoder();
    let pass: GPUComputePassEncoder | undefined;
    let pipeline: GPUComputePipeline | undefined;
    for (const op of this.ops) {
      if (op.kind === 'dispatch') {
        pass ??= encoder.beginComputePass();
        if (op.pipeline !== pipeline) pass.setPipeline((pipeline = op.pipeline));
        pass.setBindGroup(0, op.group!);
        pass.dispatchWorkgroups(...op.workgroups);
      } else {
        pass?.end();
        pass = pipeline = undefined;
        encoder.copyBufferToBuffer(op.src.buffer!, op.srcOffset, op.dst.buffer!, op.dstOffset, op.size);
      }
    }
    pass?.end();
    for (const [from, to] of this.endCopies) encoder.copyBufferToBuffer(from.buffer!, 0, to.buffer!, 0, to.size);
    let staging: { buffer: GPUBuffer; at: Map<string, number> } | undefined;
    if (read) staging = this.copyOutputs(encoder);
    queue.submit([encoder.finish()]);
    return staging && readStaging(staging.buffer, staging.at);
  }

  private copyOutputs(encoder: GPUCommandEncoder): { buffer: GPUBuffer; at: Map<string, number> } {
    const at = new Map<string, number>();
    let size = 0;
    for (const [key, c] of this.outputClones) {
      at.set(key, size);
      size += Math.ceil(c.size / 4) * 4;
    }
    const buffer = this.device.createBuffer({ size: Math.max(size, 4), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    for (const [key, c] of this.outputClones) encoder.copyBufferToBuffer(c.buffer!, 0, buffer, at.get(key)!, c.size);
    return { buffer, at };
  }

  /** Resolves once the GPU has finished everything submitted so far. */
  done(): Promise<undefined> {
    return this.device.queue.onSubmittedWorkDone();
  }

  /** The buffer holding a state's current value (valid once the work queued before is done). */
  stateBuffer(key: string): GPUBuffer {
    const c = this.stateClones.get(key);
    if (!c) throw new PlanError(`no state ${key}`);
    return c.buffer!;
  }

  /** Bytes of GPU memory the plan owns. */
  get bytes(): number {
    return this.clones.filter((c) => c.kind !== 'external').reduce((a, c) => a + c.size, 0);
  }

  dispose(): void {
    for (const c of this.clones) if (c.kind !== 'external') c.buffer?.destroy();
  }
}

async function readStaging(buffer: GPUBuffer, at: Map<string, number>): Promise<Record<string, Float32Array>> {
  await buffer.mapAsync(GPUMapMode.READ);
  const all = new Float32Array(buffer.getMappedRange().slice(0));
  buffer.unmap();
  buffer.destroy();
  const out: Record<string, Float32Array> = {};
  const keys = [...at.keys()];
  keys.forEach((key, i) => {
    const start = at.get(key)! / 4;
    const end = i + 1 < keys.length ? at.get(keys[i + 1])! / 4 : all.length;
    out[key] = all.subarray(start, end);
  });
  return out;
}
