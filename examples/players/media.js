// A plain <video> playing HLS natively (Safari, recent Chromium), bound with @cm/client/media.
const video = document.getElementById('video');
video.loop = cmExample.loop;
cmExample.show(CM.media.bindMedia(video, cmExample.options(CM.media, 'Plain video')));
