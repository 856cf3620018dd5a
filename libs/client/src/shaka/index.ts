import { type MediaBinding, type MediaBindingOptions, bindMedia } from '../media/media-binding';
import { switchingTarget } from '../media/media-target';

export type { MediaBinding, MediaBindingOptions } from '../media/media-binding';
// What a page needs with the adapter, so one import (or one script tag, with the conflict dialog's) is enough.
export { ConcurrencyClient, type ConcurrencyClientOptions } from '../concurrency-client';

/** The parts of a Shaka Player (4.x, 5.x) the adapter uses (the caller's Shaka: it is not bundled). */
export interface ShakaPlayerLike {
  getMediaElement(): HTMLMediaElement | null;
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/**
 * Binds a concurrency stream to a Shaka Player: the media element it is attached to (read again at each
 * `load()`), a new `load()` or an `unload()` as a source change. Call `binding.destroy()` with `player.destroy()`.
 *
 * ```ts
 * const player = new shaka.Player();
 * await player.attach(video);
 * const binding = bindShaka(player, { client, idp, subject });
 * await player.load(url);
 * ```
 */
export function bindShaka(player: ShakaPlayerLike, options: MediaBindingOptions): MediaBinding {
  const target = switchingTarget(player.getMediaElement());
  const binding = bindMedia(target, options);
  const loading = () => {
    target.sourceChanged();
    target.use(player.getMediaElement());
  };
  const unloading = () => target.sourceChanged();
  player.addEventListener('loading', loading);
  player.addEventListener('unloading', unloading);
  return binding;
}
