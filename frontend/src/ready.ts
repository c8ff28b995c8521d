// The ready signal: once the tiles and the session state are rendered, tell
// the Go side how long that took from DOMContentLoaded and when the next
// frame was drawn (Shell.Ready), and mark the page for browser tests
// (body[data-ready="true"]).
import { ready } from '@/api/backend'

let domReadyAt: number | null = null
let fired = false

/** main.ts calls this from a DOMContentLoaded listener added before mounting. */
export function markDomReady(at: number = performance.now()): void {
  domReadyAt ??= at
}

function navigationEntry(): PerformanceNavigationTiming | undefined {
  return performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined
}

function domContentLoadedFired(): boolean {
  if (domReadyAt !== null || document.readyState === 'complete') return true
  const nav = navigationEntry()
  // Pages without navigation timing (unit tests) are never mid-load.
  return nav ? nav.domContentLoadedEventStart > 0 : document.readyState !== 'loading'
}

function domContentLoadedAt(): number {
  if (domReadyAt !== null) return domReadyAt
  const nav = navigationEntry()
  return nav?.domContentLoadedEventStart || 0
}

/** The next frame; a timer where the page has no frames (unit tests). */
function nextFrame(cb: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => cb())
  else setTimeout(cb, 0)
}

/**
 * Call as soon as the tiles are rendered with their state. Marks the page
 * (body[data-ready]) and, at the first frame after that, tells the Go side
 * two times from DOMContentLoaded: to the tiles in the document (0 when they
 * were there before it, as with the state written into the page), and to that
 * frame. Fires once; later calls do nothing. Returns whether it fired.
 */
export function signalReady(): boolean {
  if (fired) return false
  fired = true
  const tilesAt = performance.now()
  const fire = () => {
    const dcl = domContentLoadedAt()
    const toTiles = Math.max(0, tilesAt - dcl)
    document.body.dataset.ready = 'true'
    nextFrame(() => {
      const toFrame = Math.max(toTiles, performance.now() - dcl)
      ready(round(toTiles), round(toFrame)).catch((e: unknown) => console.warn('Shell.Ready failed', e))
    })
  }
  // Module scripts run before DOMContentLoaded (readyState is already
  // "interactive" then): if the page got here first, wait for it.
  if (!domContentLoadedFired()) {
    document.addEventListener('DOMContentLoaded', () => {
      markDomReady()
      fire()
    }, { once: true })
  } else {
    fire()
  }
  return true
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}

/** For unit tests only. */
export function resetReadyForTests(): void {
  fired = false
  domReadyAt = null
  delete document.body.dataset.ready
}
