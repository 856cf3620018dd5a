// Shaka Player with @cm/client/shaka.
shaka.polyfill.installAll();
const video = document.getElementById('video');
video.loop = cmExample.loop;
const player = new shaka.Player();
void player.attach(video).then(() => {
  cmExample.show(CM.shaka.bindShaka(player, cmExample.options(CM.shaka, 'Shaka')));
  return player.load('stream/index.m3u8');
});
