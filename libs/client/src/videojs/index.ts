import { type MediaBinding, type MediaBindingOptions, bindMedia } from '../media/media-binding';
import type { MediaTarget } from '../media/media-target';

export type { MediaBinding, MediaBindingOptions } from '../media/media-binding';
// What a page needs with the adapter, so one import (or one script tag, with the conflict dialog's) is enough.
export { ConcurrencyClient, type ConcurrencyClientOptions } from '../concurrency-client';

/** The parts of a video.js 8 player the plugin uses. */
export interface VideojsPlayerLike {
  paused(): boolean;
  play(): unknown;
  pause(): void;
  on(type: string, listener: () => void): void;
  off(type: string, listener: () => void): void;
}

/** The parts of the `videojs` function the registration uses (the caller's video.js: it is not bundled). */
export interface VideojsLike {
  registerPlugin(name: string, plugin: (this: VideojsPlayerLike, options: MediaBindingOptions) => MediaBinding): unknown;
  getPlugin(name: string): unknown;
}

/** The video.js player as the binding's media: video.js forwards the media element's events. */
function playerTarget(player: VideojsPlayerLike): MediaTarget {
  return {
    get paused() {
      return player.paused();
    },
    play: () => player.play(),
    pause: () => player.pause(),
    on(event, listener) {
      player.on(event, listener);
      return () => player.off(event, listener);
    },
  };
}

/**
 * Registers the video.js plugin `concurrency` (or `name`): `player.concurrency(options)` binds a concurrency
 * stream to the player and returns the binding; the player's `dispose` ends it.
 *
 * ```ts
 * registerConcurrencyPlugin(videojs);
 * const player = videojs('video');
 * const binding = player.concurrency({ client, idp, subject });
 * ```
 */
export function registerConcurrencyPlugin(videojs: VideojsLike, name = 'concurrency'): void {
  if (videojs.getPlugin(name)) return;
  videojs.registerPlugin(name, function (this: VideojsPlayerLike, options: MediaBindingOptions): MediaBinding {
    const binding = bindMedia(playerTarget(this), options);
    this.on('dispose', () => void binding.destroy());
    return binding;
  });
}
