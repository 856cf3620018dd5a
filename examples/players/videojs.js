// video.js with the `concurrency` plugin of @cm/client/videojs, registered the video.js way.
CM.videojs.registerConcurrencyPlugin(videojs);
const player = videojs('video', { loop: cmExample.loop, fluid: true });
cmExample.show(player.concurrency(cmExample.options(CM.videojs, 'video.js')));
