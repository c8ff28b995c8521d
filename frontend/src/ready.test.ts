import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backend, resetSeam } from '@/test/seam'
import { markDomReady, resetReadyForTests, signalReady } from './ready'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())

function midLoad(dclStart: number) {
  // A module script runs with readyState "interactive" and DOMContentLoaded not yet fired.
  Object.defineProperty(document, 'readyState', { value: 'interactive', configurable: true })
  vi.spyOn(performance, 'getEntriesByType').mockReturnValue([{ domContentLoadedEventStart: dclStart } as unknown as PerformanceEntry])
}

beforeEach(() => {
  resetSeam()
  resetReadyForTests()
})
afterEach(() => {
  vi.restoreAllMocks()
  delete (document as { readyState?: string }).readyState // back to happy-dom's own
})

describe('signalReady', () => {
  it('before DOMContentLoaded (state written into the page): waits for it, and the tiles count as there at DOM-ready', async () => {
    midLoad(0)
    expect(signalReady()).toBe(true)
    await new Promise((r) => setTimeout(r, 20))
    expect(backend.ready).not.toHaveBeenCalled()
    expect(document.body.dataset.ready).toBeUndefined()
    document.dispatchEvent(new Event('DOMContentLoaded'))
    expect(document.body.dataset.ready).toBe('true')
    await vi.waitFor(() => expect(backend.ready).toHaveBeenCalledTimes(1))
    const [toTiles, toFrame] = backend.ready.mock.calls[0]!
    expect(toTiles).toBe(0)
    expect(toFrame).toBeGreaterThanOrEqual(0)
  })

  it('after DOMContentLoaded: measures from it', async () => {
    markDomReady(performance.now() - 40)
    signalReady()
    await vi.waitFor(() => expect(backend.ready).toHaveBeenCalledTimes(1))
    const [toTiles, toFrame] = backend.ready.mock.calls[0]!
    expect(toTiles).toBeGreaterThanOrEqual(40)
    expect(toFrame).toBeGreaterThanOrEqual(toTiles)
  })

  it('fires once', async () => {
    markDomReady()
    expect(signalReady()).toBe(true)
    expect(signalReady()).toBe(false)
    await vi.waitFor(() => expect(backend.ready).toHaveBeenCalledTimes(1))
  })
})
