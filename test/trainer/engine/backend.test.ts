/**
 * A GPU error must stop training with a message instead of letting a failed dispatch's zeros
 * train the model. Runs where a WebGPU adapter exists (CI: Mesa's lavapipe).
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { BackendError, describeTensorflow, initBackend } from '../../../src/trainer/engine/backend';
import { withFlags } from '../../../src/trainer/engine/flags';
import { webgpuBackend } from '../../../src/trainer/engine/webgpu/tfjsInternals';
import { onWebgpu } from '../helpers';

/** A program whose WGSL does not compile: WebGPU reports that asynchronously, never as a throw. */
const broken = {
  variableNames: ['x'],
  outputShape: [4],
  workgroupSize: [4, 1, 1] as [number, number, number],
  dispatchLayout: { x: [0] },
  dispatch: [1, 1, 1] as [number, number, number],
  shaderKey: 'dtnTestBrokenShader',
  getUserCode: () => 'fn main(index: i32) { result[index] = notDeclaredAnywhere; }',
};

describe('WebGPU device errors', function () {
  const gpu = onWebgpu();

  it('a rejected dispatch makes the device health check throw with the cause and the fix', async () => {
    const health = gpu.engine.deviceHealth;
    health.assertHealthy();
    const x = tf.ones([4]);
    const out = tf.engine().makeTensorFromTensorInfo(webgpuBackend().runWebGPUProgram(broken, [x], 'float32'));
    await out.data();
    await new Promise((r) => setTimeout(r, 50));
    assert.throws(
      () => health.assertHealthy(),
      (err: unknown) =>
        err instanceof BackendError &&
        err.code === 'DEVICE_FAILED' &&
        /GPU rejected work/.test(err.message) &&
        /DTN_STOCK_KERNELS/.test(err.message),
    );
    tf.dispose([x, out]);
    // A new engine starts healthy.
    (await initBackend('webgpu')).deviceHealth.assertHealthy();
  });
});

describe('libtensorflow detection', () => {
  it('the CUDA build counts as a GPU only when it found one', () => {
    assert.equal(describeTensorflow('@tensorflow/tfjs-node-gpu', true).device, 'libtensorflow (CUDA)');
    const noGpu = describeTensorflow('@tensorflow/tfjs-node-gpu', false);
    assert.equal(noGpu.device, 'libtensorflow (CPU)');
    assert.match(noGpu.reason, /found no CUDA GPU.*CUDA 11\.2 and cuDNN 8\.1/);
    assert.equal(describeTensorflow('@tensorflow/tfjs-node', undefined).device, 'libtensorflow (CPU)');
  });
});

describe('DTN_STOCK_KERNELS', () => {
  it('a name that is not a switch stops the webgpu backend with the valid names', async () => {
    const starting = withFlags({ DTN_STOCK_KERNELS: 'Conv2D,batchnorm' }, () => initBackend('webgpu'));
    await assert.rejects(starting, (err: unknown) => {
      assert.ok(err instanceof BackendError);
      assert.match(err.message, /DTN_STOCK_KERNELS names batchnorm, which is not a switch/);
      assert.match(err.message, /all, or a comma-separated list of Conv2D, .*BatchNorm.*Plan/);
      return true;
    });
  });
});

describe('DTN_CONV_TUNE', () => {
  it('a value other than 1 or 0 stops the webgpu backend before any training, with the valid values', async () => {
    await assert.rejects(
      withFlags({ DTN_CONV_TUNE: 'yes' }, () => initBackend('webgpu')),
      (err: unknown) => {
        assert.ok(err instanceof BackendError);
        const valid = /Set it to 1 \(tune the conv kernels on this device\), 0 \(default layouts\) or leave it unset/;
        assert.match(err.message, /DTN_CONV_TUNE is "yes"\. /);
        assert.match(err.message, valid);
        return true;
      },
    );
  });
});
