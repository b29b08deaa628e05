const tf = require('@tensorflow/tfjs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const sharp = require('sharp');
(async () => {
  await tf.setBackend('cpu');
  const dir = 'node_modules/@vladmandic/face-api/model';
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(dir);
  for (let i = 1; i <= 6; i++) {
    const { data, info } = await sharp(`node_modules/@vladmandic/face-api/demo/sample${i}.jpg`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const t = tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], 'int32');
    const dets = await faceapi.detectAllFaces(t, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }));
    console.log(i, info.width, info.height, JSON.stringify(dets.map(d => [Math.round(d.box.x), Math.round(d.box.y), Math.round(d.box.width), Math.round(d.box.height), +d.score.toFixed(2)])));
    t.dispose();
  }
})();
