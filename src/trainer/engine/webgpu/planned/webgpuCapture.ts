/// <reference types="@webgpu/types" />
/**
 * Records the WebGPU work one call makes through tfjs-backend-webgpu: every compute dispatch
 * (pipeline, bound buffers, workgroups), buffer-to-buffer copy, uniform write and tensor upload,
 * in order. A recorded training step can then be replayed with its own buffers and bind groups
 * (see webgpuPlan.ts) without going through the tfjs engine again, which on a GPU costs more per
 * kernel than the arithmetic of most of the DTN's kernels.
 *
 * The hooks sit on the WebGPU objects themselves, so kernels that record their own dispatches
 * (the fused Adam update) are captured like the backend's.
 */
import { flushBackend, type WebgpuBackend } from '../tfjsInternals';

export interface BoundBuffer {
  binding: number;
  buffer: GPUBuffer;
  offset?: number;
  size?: number;
}

export type CapturedOp =
  | {
      kind: 'dispatch';
      pipeline: GPUComputePipeline;
      layout: GPUBindGroupLayout;
      entries: BoundBuffer[];
      workgroups: [number, number, number];
    }
  | { kind: 'copy'; src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; size: number }
  /** Host data written into a buffer: a uniform block or an uploaded tensor (`dataId` set). */
  | { kind: 'write'; buffer: GPUBuffer; offset: number; bytes: Uint8Array; dataId?: object };

/** The GPU buffer behind a tensor (uploading it first if its data is still on the host). */
export function bufferOf(backend: WebgpuBackend, dataId: object): GPUBuffer {
  backend.uploadToGPU(dataId);
  const resource = backend.tensorMap.get(dataId)?.resource;
  if (!(resource instanceof GPUBuffer)) throw new Error('tensor is not backed by a GPU buffer');
  return resource;
}

/**
 * Runs `fn` while recording its GPU work. Buffers in `external` (owned outside tfjs and written by
 * their owner before each replay) have their writes left out. `fn` always runs to the end;
 * `problem` says why its work cannot be replayed (a read-back inside it, a texture binding, ...).
 */
export function captureGpuWork<T>(
  backend: WebgpuBackend,
  external: ReadonlySet<GPUBuffer>,
  fn: () => T,
): { result: T; ops: CapturedOp[]; problem?: string } {
  flushBackend(backend);
  const ops: CapturedOp[] = [];
  const bindGroups = new WeakMap<GPUBindGroup, { layout: GPUBindGroupLayout; entries: BoundBuffer[] }>();
  const passState = new WeakMap<GPUComputePassEncoder, { pipeline?: GPUComputePipeline; group?: GPUBindGroup }>();
  let uploading = 0;
  let problem: string | undefined;

  const device = backend.device;
  const queue = backend.queue;
  const passProto = GPUComputePassEncoder.prototype;
  const encoderProto = GPUCommandEncoder.prototype;
  const saved = {
    createBindGroup: device.createBindGroup,
    writeBuffer: queue.writeBuffer,
    uploadToGPU: backend.uploadToGPU,
    setPipeline: passProto.setPipeline,
    setBindGroup: passProto.setBindGroup,
    dispatchWorkgroups: passProto.dispatchWorkgroups,
    copyBufferToBuffer: encoderProto.copyBufferToBuffer,
  };

  const ownBefore = {
    device: Object.prototype.hasOwnProperty.call(device, 'createBindGroup'),
    queue: Object.prototype.hasOwnProperty.call(queue, 'writeBuffer'),
    backend: Object.prototype.hasOwnProperty.call(backend, 'uploadToGPU'),
  };
  device.createBindGroup = function (this: GPUDevice, desc: GPUBindGroupDescriptor) {
    const group = saved.createBindGroup.call(this, desc);
    const entries: BoundBuffer[] = [];
    for (const e of desc.entries) {
      const r = e.resource as GPUBufferBinding;
      if (!(r && r.buffer instanceof GPUBuffer)) {
        problem ??= 'a kernel binds a texture or sampler';
        continue;
      }
      entries.push({ binding: e.binding, buffer: r.buffer, offset: r.offset, size: r.size });
    }
    bindGroups.set(group, { layout: desc.layout, entries });
    return group;
  };
  queue.writeBuffer = function (
    this: GPUQueue,
    buffer: GPUBuffer,
    offset: number,
    data: BufferSource | SharedArrayBuffer,
    dataOffset?: number,
    size?: number,
  ) {
    if (!uploading && !external.has(buffer)) {
      const view = ArrayBuffer.isView(data)
        ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : new Uint8Array(data as ArrayBuffer);
      const elem =
        ArrayBuffer.isView(data) && 'BYTES_PER_ELEMENT' in data ? (data as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT : 1;
      const start = (dataOffset ?? 0) * elem;
      const length = size === undefined ? view.byteLength - start : size * elem;
      ops.push({ kind: 'write', buffer, offset, bytes: view.slice(start, start + length) });
    }
    return saved.writeBuffer.call(this, buffer, offset, data as BufferSource, dataOffset, size);
  } as GPUQueue['writeBuffer'];
  backend.uploadToGPU = function (this: WebgpuBackend, dataId: object) {
    const record = backend.tensorMap.get(dataId);
    const values = record && record.resource == null ? record.values : null;
    uploading++;
    try {
      saved.uploadToGPU.call(this, dataId);
    } finally {
      uploading--;
    }
    if (values) {
      const typed = record!.dtype === 'int32' || record!.dtype === 'bool' ? Int32Array.from(values) : Float32Array.from(values);
      ops.push({
        kind: 'write',
        buffer: backend.tensorMap.get(dataId)!.resource as GPUBuffer,
        offset: 0,
        bytes: new Uint8Array(typed.buffer),
        dataId,
      });
    }
  };
  passProto.setPipeline = function (this: GPUComputePassEncoder, pipeline: GPUComputePipeline) {
    passState.set(this, { ...passState.get(this), pipeline });
    return saved.setPipeline.call(this, pipeline);
  };
  passProto.setBindGroup = function (this: GPUComputePassEncoder, index: number, group: GPUBindGroup | null, ...rest: unknown[]) {
    if (index === 0 && group) passState.set(this, { ...passState.get(this), group });
    else if (index !== 0) problem ??= 'a kernel uses more than one bind group';
    return (saved.setBindGroup as (...a: unknown[]) => void).call(this, index, group, ...rest);
  } as GPUComputePassEncoder['setBindGroup'];
  passProto.dispatchWorkgroups = function (this: GPUComputePassEncoder, x: number, y?: number, z?: number) {
    const state = passState.get(this);
    const group = state?.group && bindGroups.get(state.group);
    if (!state?.pipeline || !group) problem ??= 'a dispatch whose pipeline or bind group was set before the capture';
    else
      ops.push({
        kind: 'dispatch',
        pipeline: state.pipeline,
        layout: group.layout,
        entries: group.entries,
        workgroups: [x, y ?? 1, z ?? 1],
      });
    return saved.dispatchWorkgroups.call(this, x, y, z);
  };
  encoderProto.copyBufferToBuffer = function (
    this: GPUCommandEncoder,
    src: GPUBuffer,
    srcOffset: number,
    dst: GPUBuffer,
    dstOffset: number,
    size: number,
  ) {
    if (!uploading) {
      if (dst.usage & GPUBufferUsage.MAP_READ) problem ??= 'data is read back to the host inside the step';
      ops.push({ kind: 'copy', src, srcOffset, dst, dstOffset, size });
    }
    return (saved.copyBufferToBuffer as (...a: unknown[]) => void).call(this, src, srcOffset, dst, dstOffset, size);
  } as GPUCommandEncoder['copyBufferToBuffer'];

  let result: T;
  try {
    result = fn();
  } finally {
    // The device, queue and backend methods live on prototypes: drop the shadowing copies.
    restore(device, 'createBindGroup', saved.createBindGroup, ownBefore.device);
    restore(queue, 'writeBuffer', saved.writeBuffer, ownBefore.queue);
    restore(backend, 'uploadToGPU', saved.uploadToGPU, ownBefore.backend);
    passProto.setPipeline = saved.setPipeline;
    passProto.setBindGroup = saved.setBindGroup;
    passProto.dispatchWorkgroups = saved.dispatchWorkgroups;
    encoderProto.copyBufferToBuffer = saved.copyBufferToBuffer;
  }
  return { result, ops, problem };
}

function restore<T extends object>(target: T, key: keyof T, original: unknown, wasOwn: boolean): void {
  if (wasOwn) (target as Record<keyof T, unknown>)[key] = original;
  else delete (target as Record<keyof T, unknown>)[key];
}
