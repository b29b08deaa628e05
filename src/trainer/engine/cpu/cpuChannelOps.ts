/**
 * Fast paths on the pure-JS cpu backend for the shapes batch norm produces: reductions over every
 * axis but the last (per-channel Sum/Mean of NHWC) and binary ops between an NHWC tensor and a
 * per-channel vector. The stock kernels transpose for the former and compute a broadcast index per
 * element for the latter, which made them most of a training step's time.
 */
import { Add, Mean, Multiply, RealDiv, Sub, SquaredDifference, Sum, util, type TensorInfo } from '@tensorflow/tfjs-core';
import { overrideKernel, type FastPath } from '../overrideKernel';

/** True when `axes` are exactly the leading axes 0..rank-2. */
function reducesLeadingAxes(axes: number[], rank: number): boolean {
  if (rank < 2 || axes.length !== rank - 1) return false;
  const sorted = [...axes].sort((a, b) => a - b);
  return sorted.every((a, i) => a === i);
}

function channelReduce(mean: boolean): FastPath {
  return (args, backend) => {
    const x = (args.inputs as { x: TensorInfo }).x;
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    if (x.dtype !== 'float32') return undefined;
    const axes = util.parseAxisParam(axis, x.shape);
    if (!reducesLeadingAxes(axes, x.shape.length)) return undefined;
    const c = x.shape[x.shape.length - 1];
    const values = backend.data.get(x.dataId).values;
    const rows = values.length / c;
    const acc = new Float64Array(c);
    for (let r = 0, o = 0; r < rows; r++, o += c) for (let k = 0; k < c; k++) acc[k] += values[o + k];
    const out = new Float32Array(c);
    for (let k = 0; k < c; k++) out[k] = mean ? acc[k] / rows : acc[k];
    return backend.makeTensorInfo(keepDims ? [...x.shape.slice(0, -1).map(() => 1), c] : [c], 'float32', out);
  };
}

/** A per-channel operand: its size equals the last dim of the other and all its other dims are 1. */
function isChannelVector(v: TensorInfo, full: TensorInfo): boolean {
  const c = full.shape[full.shape.length - 1];
  if (v.shape.length > full.shape.length || v.shape[v.shape.length - 1] !== c) return false;
  return util.sizeFromShape(v.shape) === c && util.sizeFromShape(full.shape) > c;
}

function channelBinary(op: (a: number, b: number) => number): FastPath {
  return (args, backend) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
    const aFull = isChannelVector(b, a);
    const bFull = !aFull && isChannelVector(a, b);
    if (!aFull && !bFull) return undefined;
    const full = aFull ? a : b;
    const av = backend.data.get(a.dataId).values;
    const bv = backend.data.get(b.dataId).values;
    const c = full.shape[full.shape.length - 1];
    const n = util.sizeFromShape(full.shape);
    const out = new Float32Array(n);
    if (aFull) for (let i = 0; i < n; i += c) for (let k = 0; k < c; k++) out[i + k] = op(av[i + k], bv[k]);
    else for (let i = 0; i < n; i += c) for (let k = 0; k < c; k++) out[i + k] = op(av[k], bv[i + k]);
    return backend.makeTensorInfo(full.shape, 'float32', out);
  };
}

export function installCpuChannelOps(): void {
  overrideKernel(Sum, 'cpu', channelReduce(false));
  overrideKernel(Mean, 'cpu', channelReduce(true));
  overrideKernel(
    Multiply,
    'cpu',
    channelBinary((x, y) => x * y),
  );
  overrideKernel(
    Add,
    'cpu',
    channelBinary((x, y) => x + y),
  );
  overrideKernel(
    Sub,
    'cpu',
    channelBinary((x, y) => x - y),
  );
  overrideKernel(
    RealDiv,
    'cpu',
    channelBinary((x, y) => x / y),
  );
  overrideKernel(
    SquaredDifference,
    'cpu',
    channelBinary((x, y) => (x - y) * (x - y)),
  );
}
