// Node clients: gm (GraphicsMagick and its ImageMagick mode) and
// fluent-ffmpeg (ffprobe, a transcode, screenshots), each running the
// programs it finds on PATH.  Usage: node node-clients.js IMAGE VIDEO OUTDIR
'use strict';
const path = require('path');
const gm = require('gm');
const ffmpeg = require('fluent-ffmpeg');
const [image, video, out] = process.argv.slice(2);

const step = (name, fn) => new Promise((resolve, reject) =>
  fn((err, value) => err ? reject(new Error(`${name}: ${err.message}`)) : resolve(value)));

(async () => {
  const size = await step('gm size', cb => gm(image).size(cb));
  console.log(`gm size=${size.width}x${size.height}`);
  await step('gm resize', cb => gm(image).resize(50).write(path.join(out, 'gm.png'), cb));
  const im = gm.subClass({ imageMagick: true });
  await step('im resize', cb => im(image).resize(40).write(path.join(out, 'im.png'), cb));
  const small = await step('gm size of the result', cb => gm(path.join(out, 'gm.png')).size(cb));
  console.log(`gm resized=${small.width}x${small.height}`);

  const meta = await step('ffprobe', cb => ffmpeg.ffprobe(video, cb));
  const v = meta.streams.find(s => s.codec_type === 'video');
  console.log(`ffprobe ${v.codec_name} ${v.width}x${v.height}`);
  await step('transcode', cb => ffmpeg(video).size('80x?').noAudio().format('webm')
    .on('error', e => cb(e)).on('end', () => cb()).save(path.join(out, 'small.webm')));
  await step('screenshots', cb => ffmpeg(video)
    .on('error', e => cb(e)).on('end', () => cb())
    .screenshots({ count: 1, folder: out, filename: 'shot.png', size: '80x60' }));
  console.log('fluent-ffmpeg done');
})().catch(e => { console.error(e.message); process.exit(1); });
