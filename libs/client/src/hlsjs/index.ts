import { type MediaBinding, type MediaBindingOptions, bindMedia } from '../media/media-binding';
import { switchingTarget } from '../media/media-target';

export type { MediaBinding, MediaBindingOptions } from '../media/media-binding';
// What a page needs with the adapter, so one import (or one script tag, with the conflict dialog's) is enough.
export { ConcurrencyClient, type ConcurrencyClientOptions } from '../concurrency-client';

/** The parts of an hls.js 1.x instance the adapter uses (the caller's hls.js: it is not bundled). */
export interface HlsLike {
  readonly media: HTMLMediaElement | null;
  on(event: string, listener: (...args: never[]) => void): void;
  off(event: string, listener: (...args: never[]) => void): void;
}

/**
 * Binds a concurrency stream to an hls.js player: the media element it is attached to (followed through
 * `attachMedia` / `detachMedia`), a new `loadSource` as a source change, `destroy()` as the end.
 *
 * ```ts
 * const hls = new Hls();
 * const binding = bindHls(hls, { client, idp, subject });
 * hls.loadSource(url);
 * hls.attachMedia(video);
 * ```
 */
export function bindHls(hls: HlsLike, options: MediaBindingOptions): MediaBinding {
  const target = switchingTarget(hls.media);
  const binding = bindMedia(target, options);
  const attached = () => target.use(hls.media);
  const detaching = () => {
    target.sourceChanged();
    target.use(null);
  };
  const loading = () => target.sourceChanged();
  const destroying = () => {
    hls.off('hlsMediaAttached', attached);
    hls.off('hlsMediaDetaching', detaching);
    hls.off('hlsManifestLoading', loading);
    hls.off('hlsDestroying', destroying);
    void binding.destroy();
  };
  hls.on('hlsMediaAttached', attached);
  hls.on('hlsMediaDetaching', detaching);
  hls.on('hlsManifestLoading', loading);
  hls.on('hlsDestroying', destroying);
  return binding;
}
