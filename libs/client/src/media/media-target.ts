/** The media events the binding follows. */
export type MediaEventName = 'play' | 'pause' | 'ended' | 'emptied';

/**
 * What the binding needs of a player: an `HTMLMediaElement` (`elementTarget`), or a player's own equivalent (the
 * video.js plugin passes the video.js player, whose `paused` is a method and whose events go through `on`/`off`).
 */
export interface MediaTarget {
  readonly paused: boolean;
  /** Starts playback; may return a promise (rejections are ignored: the player reports its own errors). */
  play(): unknown;
  pause(): void;
  /** Listens to one of the media events; returns a function that stops listening. */
  on(event: MediaEventName, listener: () => void): () => void;
}

/** An `HTMLMediaElement` (`<video>`, `<audio>`) as a MediaTarget. */
export function elementTarget(media: HTMLMediaElement): MediaTarget {
  return {
    get paused() {
      return media.paused;
    },
    play: () => media.play(),
    pause: () => media.pause(),
    on(event, listener) {
      media.addEventListener(event, listener);
      return () => media.removeEventListener(event, listener);
    },
  };
}

const MEDIA_EVENTS: readonly MediaEventName[] = ['play', 'pause', 'ended', 'emptied'];

/**
 * A MediaTarget over whichever element a player currently renders to (hls.js and Shaka attach and detach their
 * `<video>`): `use(element)` moves the listeners to it; `sourceChanged()` tells the binding the content changed.
 */
export interface SwitchingTarget extends MediaTarget {
  use(element: HTMLMediaElement | null | undefined): void;
  sourceChanged(): void;
}

export function switchingTarget(initial?: HTMLMediaElement | null): SwitchingTarget {
  const listeners = new Map<MediaEventName, Set<() => void>>(MEDIA_EVENTS.map((name) => [name, new Set()]));
  let element: HTMLMediaElement | null = null;
  let detach: Array<() => void> = [];
  const fire = (name: MediaEventName) => {
    for (const listener of [...listeners.get(name)!]) listener();
  };
  const target: SwitchingTarget = {
    get paused() {
      return element?.paused ?? true;
    },
    play: () => element?.play(),
    pause: () => element?.pause(),
    on(event, listener) {
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)!.delete(listener);
    },
    use(next) {
      if ((next ?? null) === element) return;
      for (const off of detach) off();
      detach = [];
      element = next ?? null;
      if (!element) return;
      const media = element;
      for (const name of MEDIA_EVENTS) {
        const listener = () => fire(name);
        media.addEventListener(name, listener);
        detach.push(() => media.removeEventListener(name, listener));
      }
    },
    sourceChanged: () => fire('emptied'),
  };
  target.use(initial);
  return target;
}
