// hls.js with @cm/client/hlsjs: the binding follows the element hls.js is attached to.
const video = document.getElementById('video');
video.loop = cmExample.loop;
const hls = new Hls();
cmExample.show(CM.hlsjs.bindHls(hls, cmExample.options(CM.hlsjs, 'hls.js')));
hls.loadSource('stream/index.m3u8');
hls.attachMedia(video);
