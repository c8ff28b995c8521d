// The ready signal: once the tiles and the session state are on screen, tell
// the Go side how long that took from DOMContentLoaded (Shell.Ready), and mark
// the page for browser tests (body[data-ready="true"]).
import { ready } from '@/api/backend'

let domReadyAt: number | null = null
let fired = false

/** main.ts calls this from a DOMContentLoaded listener added before mounting. */
export function markDomReady(at: number = performance.now()): void {
  domReadyAt ??= at
}

function domContentLoadedAt(): number {
  if (domReadyAt !== null) return domReadyAt
  const nav = performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined
  return nav?.domContentLoadedEventEnd || 0
}

/** Fires the signal the first time it is called; later calls do nothing. Returns whether it fired. */
export function signalReady(): boolean {
  if (fired) return false
  fired = true
  const fire = () => {
    const ms = Math.max(0, performance.now() - domContentLoadedAt())
    document.body.dataset.ready = 'true'
    ready(Math.round(ms * 10) / 10).catch((e: unknown) => console.warn('Shell.Ready failed', e))
  }
  // Module scripts run before DOMContentLoaded: if the page got here first, wait for it.
  if (document.readyState === 'loading' && domReadyAt === null) {
    document.addEventListener('DOMContentLoaded', () => {
      markDomReady()
      fire()
    }, { once: true })
  } else {
    fire()
  }
  return true
}

/** For unit tests only. */
export function resetReadyForTests(): void {
  fired = false
  domReadyAt = null
  delete document.body.dataset.ready
}
