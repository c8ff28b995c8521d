import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { TilesView } from '@/api/types'
import { backend, emit, freshTiles, listenerCount, profileState, record, resetSeam, stackView, tile, tilesView } from '@/test/seam'
import { useOnboardingStore } from './onboarding'
import { useSessionStore } from './session'
import { STALE_FAILED, STALE_REFRESHING, useTilesStore } from './tiles'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

const stale = () => freshTiles().map((t) => ({ ...t, stale: true }))

beforeEach(() => {
  resetSeam()
  setActivePinia(createPinia())
})

describe('tiles store', () => {
  it('shows the cached tiles at once, then refreshes them in the background', async () => {
    backend.tilesState.mockResolvedValue(tilesView(stale()))
    const refresh = deferred<TilesView>()
    backend.refreshTiles.mockReturnValue(refresh.promise)
    const store = useTilesStore()
    await store.init()
    expect(store.loaded).toBe(true)
    expect(store.seller?.stale).toBe(true)
    expect(backend.refreshTiles).toHaveBeenCalledTimes(1)
    expect(store.busy.refresh).toBe(true)
    expect(store.staleLine('seller')).toBe(STALE_REFRESHING)
    expect(store.staleLine('cas')).toBe(STALE_REFRESHING)

    refresh.resolve(tilesView(freshTiles()))
    await flushPromises()
    expect(store.busy.refresh).toBe(false)
    expect(store.seller?.stale).toBe(false)
    expect(store.staleLine('seller')).toBeNull()
    expect(store.progressText).toBe('2 of 3 required connected · CAS legacy')
  })

  it('says "last known" when the refresh failed and the tiles are still stale', async () => {
    backend.tilesState.mockResolvedValue(tilesView(stale()))
    backend.refreshTiles.mockRejectedValue(new Error('no credentials'))
    const store = useTilesStore()
    await store.init()
    await flushPromises()
    expect(store.staleLine('sdds')).toBe(STALE_FAILED)
    expect(store.actionError).toMatchObject({ action: 'refresh', message: 'no credentials' })
  })

  it('treats a Go-side busy view as refreshing', async () => {
    const store = useTilesStore()
    store.subscribe()
    emit('tiles:changed', tilesView(stale(), { busy: true }))
    expect(store.staleLine('role')).toBe(STALE_REFRESHING)
    emit('tiles:changed', tilesView(stale(), { busy: false, error: { kind: 'no-credentials', message: 'No credentials', next: 'Sign in.' } }))
    expect(store.staleLine('role')).toBe(STALE_FAILED)
  })

  it('follows tiles:changed events, and an event wins over an older call result', async () => {
    const store = useTilesStore()
    await store.init()
    await flushPromises()
    expect(listenerCount('tiles:changed')).toBe(1)
    emit('tiles:changed', tilesView(freshTiles({ cas: { state: 'connected' } }), { sddsEnrolled: true }))
    expect(store.cas?.state).toBe('connected')
    expect(store.view?.sddsEnrolled).toBe(true)

    const call = deferred<TilesView>()
    backend.testSdds.mockReturnValue(call.promise)
    const p = store.testSdds()
    emit('tiles:changed', tilesView(freshTiles({ sdds: { state: 'error' } })))
    call.resolve(tilesView(freshTiles()))
    await p
    expect(store.sdds?.state).toBe('error')
    store.unsubscribeAll()
    expect(listenerCount('tiles:changed')).toBe(0)
  })

  it('runs the actions with busy flags and captures their errors', async () => {
    const store = useTilesStore()
    await store.init()
    await flushPromises()

    const test = deferred<TilesView>()
    backend.testCas.mockReturnValue(test.promise)
    const p = store.testCas()
    expect(store.busy.testCas).toBe(true)
    test.resolve(tilesView(freshTiles({ cas: { state: 'connected' } })))
    expect(await p).toBe(true)
    expect(store.busy.testCas).toBe(false)
    expect(store.cas?.state).toBe('connected')

    await store.setEnrolled('sdds', true)
    expect(backend.setEnrolled).toHaveBeenCalledWith('sdds', true)
    expect(store.view?.sddsEnrolled).toBe(true)

    await store.confirmSeller(true)
    expect(backend.confirmSeller).toHaveBeenCalledWith(true)
    expect(store.view?.sellerConfirmed).toBe(true)

    backend.setEnrolled.mockRejectedValueOnce('could not save')
    expect(await store.setEnrolled('sdds', false)).toBe(false)
    expect(store.actionError).toMatchObject({ action: 'enrollSdds', message: 'could not save' })
    expect(store.busy.enrollSdds).toBe(false)
  })

  it('runs a refresh asked for during one once it ends, not twice at once', async () => {
    const store = useTilesStore()
    const first = deferred<TilesView>()
    backend.refreshTiles.mockReturnValueOnce(first.promise)
    const p = store.refresh()
    void store.refresh()
    void store.refresh()
    expect(backend.refreshTiles).toHaveBeenCalledTimes(1)
    first.resolve(tilesView(stale()))
    await p
    expect(backend.refreshTiles).toHaveBeenCalledTimes(2)
  })

  it('refreshes the tiles when the onboarding stack reaches Connected', async () => {
    backend.onboardingState.mockResolvedValue(stackView(record('launching')))
    const onboarding = useOnboardingStore()
    await onboarding.init()
    const store = useTilesStore()
    await store.init()
    await flushPromises()
    backend.refreshTiles.mockClear()

    emit('onboarding:changed', stackView(record('verifying', { updatedAt: '2026-01-01T10:01:00Z' })))
    await flushPromises()
    expect(backend.refreshTiles).not.toHaveBeenCalled()

    backend.refreshTiles.mockResolvedValue(tilesView(freshTiles({ role: { state: 'connected' } })))
    emit('onboarding:changed', stackView(record('connected', { updatedAt: '2026-01-01T10:02:00Z' })))
    await flushPromises()
    expect(backend.refreshTiles).toHaveBeenCalledTimes(1)

    emit('onboarding:changed', stackView(record('connected', { updatedAt: '2026-01-01T10:03:00Z' })))
    await flushPromises()
    expect(backend.refreshTiles).toHaveBeenCalledTimes(1)
  })

  it('refreshes the tiles when the session target changes, not on the first load', async () => {
    const session = useSessionStore()
    const store = useTilesStore()
    await store.init()
    await flushPromises()
    backend.refreshTiles.mockClear()

    await session.init()
    await flushPromises()
    expect(backend.refreshTiles).not.toHaveBeenCalled()

    emit('session:changed', profileState('dev'))
    await flushPromises()
    expect(backend.refreshTiles).toHaveBeenCalledTimes(1)
  })

  it('reports a state that could not be read, and keeps no tile', async () => {
    backend.tilesState.mockRejectedValue(new Error('cache closed'))
    backend.refreshTiles.mockReturnValue(new Promise(() => {}))
    const store = useTilesStore()
    await store.init()
    expect(store.loadError).toMatch(/could not read the tiles state: cache closed/)
    expect(store.tile('seller')).toBeNull()
    expect(store.progress).toBeNull()
  })

  it('finds the tiles by id', async () => {
    const store = useTilesStore()
    store.applyEvent(tilesView([tile('sdds', 'error'), tile('seller', 'not-registered')]))
    expect(store.sdds?.state).toBe('error')
    expect(store.seller?.state).toBe('not-registered')
    expect(store.cas).toBeNull()
  })
})
