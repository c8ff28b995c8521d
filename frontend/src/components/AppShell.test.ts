import { flushPromises, mount } from '@vue/test-utils'
import { NModal } from 'naive-ui'
import { createPinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import App from '@/App.vue'
import { resetReadyForTests } from '@/ready'
import { backend, emit, events, freshTiles, identity, profileState, resetSeam, sandboxState, scenarios, tile, tilesView } from '@/test/seam'
import AboutDialog from './AboutDialog.vue'
import SsoDialog from './SsoDialog.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

let wrapper: ReturnType<typeof mount> | null = null

function mountApp() {
  wrapper = mount(App, { attachTo: document.body, global: { plugins: [createPinia()] } })
  return wrapper
}

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((res) => (resolve = res))
  return { promise, resolve }
}

beforeEach(() => {
  resetSeam()
  resetReadyForTests()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

describe('ready signal', () => {
  it('fires once, after the tiles and the loaded state are on screen', async () => {
    const state = deferred<ReturnType<typeof sandboxState>>()
    backend.getState.mockReturnValue(state.promise)
    const w = mountApp()
    await flushPromises()
    expect(w.find('[data-testid="tile-seller"]').exists()).toBe(true)
    expect(backend.ready).not.toHaveBeenCalled()
    expect(document.body.dataset.ready).toBeUndefined()

    state.resolve(sandboxState())
    await flushPromises()
    expect(w.find('[data-testid="identity-account"]').text()).toBe('123456789012')
    expect(document.body.dataset.ready).toBe('true')
    await vi.waitFor(() => expect(backend.ready).toHaveBeenCalledTimes(1)) // at the next frame
    const [toTiles, toFrame] = backend.ready.mock.calls[0]!
    expect(toTiles).toBeGreaterThanOrEqual(0)
    expect(toFrame).toBeGreaterThanOrEqual(toTiles)

    emit('session:changed', profileState('dev'))
    await flushPromises()
    expect(backend.ready).toHaveBeenCalledTimes(1)
  })

  it('fires even when the state says the target is broken', async () => {
    backend.getState.mockResolvedValue(profileState('gone', { identity: null, error: { kind: 'unknown-profile', message: 'profile "gone" not found', next: 'Pick one of the listed profiles.' } }))
    backend.refreshIdentity.mockReturnValue(new Promise(() => {}))
    const w = mountApp()
    await flushPromises()
    await vi.waitFor(() => expect(backend.ready).toHaveBeenCalledTimes(1))
    expect(w.find('[data-testid="connection-error"]').text()).toContain('Pick one of the listed profiles.')
  })
})

describe('app shell', () => {
  it('marks the sandbox and titles the window after the target', async () => {
    const w = mountApp()
    await flushPromises()
    expect(w.find('[data-testid="sandbox-badge"]').text()).toContain('Sandbox — offline')
    // The scenario's description, in full, in the badge's tooltip.
    await vi.waitFor(() => expect(w.find('[data-testid="sandbox-badge-description"]').text()).toBe(scenarios.find((s) => s.name === 'fresh')!.description))
    expect(events.setWindowTitle).toHaveBeenLastCalledWith('SellerDesk — Sandbox — offline (fresh)')
    emit('session:changed', profileState('dev'))
    await flushPromises()
    expect(w.find('[data-testid="sandbox-badge"]').exists()).toBe(false)
    expect(events.setWindowTitle).toHaveBeenLastCalledWith('SellerDesk — profile dev')
  })

  it('marks a cached identity while it is re-checked', async () => {
    backend.getState.mockResolvedValue(sandboxState({ identity: { ...identity, stale: true } }))
    backend.refreshIdentity.mockReturnValue(new Promise(() => {}))
    const w = mountApp()
    await flushPromises()
    expect(w.find('[data-testid="identity-stale"]').text()).toBe('last known, checking…')
  })

  it('offers Sign in for an expired SSO session', async () => {
    backend.getState.mockResolvedValue(profileState('corp-sso', { identity: null, error: { kind: 'sso-login', message: 'token expired', next: 'Sign in' } }))
    backend.refreshIdentity.mockReturnValue(new Promise(() => {}))
    const w = mountApp()
    await flushPromises()
    await w.find('[data-testid="sso-sign-in"]').trigger('click')
    expect(backend.ssoLogin).toHaveBeenCalledWith('corp-sso')
    emit('sso:device-code', { profile: 'corp-sso', url: 'https://device.sso.us-east-1.amazonaws.com/?user_code=WXYZ-1234', userCode: 'WXYZ-1234', expiresAt: '' })
    // The dialog and Naive UI with it are loaded on demand.
    await vi.waitFor(() => expect(document.body.querySelector('[data-testid="sso-user-code"]')?.textContent).toBe('WXYZ-1234'))
    expect(document.body.textContent).toContain('Waiting for your browser…')
    const ssoOpen = () => w.findComponent(SsoDialog).findComponent(NModal).props('show')
    expect(ssoOpen()).toBe(true)
    emit('sso:done', { profile: 'corp-sso', ok: true, error: null })
    await flushPromises()
    expect(ssoOpen()).toBe(false)
  })

  it('shows the start-up notices once, when the lazily loaded layer is mounted after start', async () => {
    backend.notices.mockResolvedValue([{ level: 'warning', title: 'The local cache was damaged and has been reset', message: 'moved aside' }])
    mountApp()
    await flushPromises()
    await vi.waitFor(() => expect(document.body.textContent).toContain('The local cache was damaged and has been reset'), { timeout: 3000 })
    emit('session:changed', profileState('dev'))
    await flushPromises()
    await new Promise((r) => setTimeout(r, 100))
    expect(backend.notices).toHaveBeenCalledTimes(1)
  })

  it('shows the start-up notices even when the state never comes', async () => {
    backend.getState.mockReturnValue(new Promise(() => {}))
    backend.notices.mockResolvedValue([{ level: 'error', title: 'The local cache could not be opened', message: 'locked' }])
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      mountApp()
      await flushPromises()
      expect(backend.notices).not.toHaveBeenCalled()
      await vi.advanceTimersByTimeAsync(3100)
    } finally {
      vi.useRealTimers()
    }
    await vi.waitFor(() => expect(document.body.textContent).toContain('The local cache could not be opened'), { timeout: 3000 })
  })

  it('refreshes with Ctrl+R and opens About with F1', async () => {
    const w = mountApp()
    await flushPromises()
    backend.refreshIdentity.mockClear()
    backend.refreshTiles.mockClear()
    const ctrlR = new KeyboardEvent('keydown', { key: 'r', ctrlKey: true, cancelable: true })
    window.dispatchEvent(ctrlR)
    await flushPromises()
    expect(ctrlR.defaultPrevented).toBe(true)
    expect(backend.refreshIdentity).toHaveBeenCalledTimes(1)
    expect(backend.refreshTiles).toHaveBeenCalledTimes(1)

    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'F1', cancelable: true }))
    await vi.waitFor(() => expect(w.findComponent(AboutDialog).findComponent(NModal).props('show')).toBe(true))
    expect(backend.about).toHaveBeenCalledTimes(1)
    expect(document.body.querySelector('[data-testid="about-log-file"]')?.textContent).toBe('/home/u/.config/SellerDesk/sellerdesk.log')
  })

  it('copies the account ID through the seam', async () => {
    const w = mountApp()
    await flushPromises()
    await w.find('[aria-label="Copy account ID"]').trigger('click')
    expect(events.copyText).toHaveBeenCalledWith('123456789012')
  })
})

describe('header progress and tiles', () => {
  it('shows the backend words for the progress, as is, and follows tiles:changed', async () => {
    backend.tilesState.mockResolvedValue(tilesView(freshTiles().map((t) => ({ ...t, stale: true }))))
    backend.refreshTiles.mockReturnValue(new Promise(() => {}))
    const w = mountApp()
    await flushPromises()
    const progress = w.find('[data-testid="overall-progress"]')
    expect(progress.text()).toBe('2 of 3 required connected · CAS legacy')
    expect(w.find('[data-testid="tile-seller"] [data-testid="tile-stale"]').text()).toContain('last known — refreshing…')
    expect(w.find('[data-testid="tile-role"] [data-testid="tile-stale"]').text()).toContain('last known — refreshing…')

    // Whatever the tiles say, the header shows the Go side's count and words (tiles.Summarize): it never re-counts.
    emit('tiles:changed', tilesView(freshTiles({ cas: { state: 'connected' }, sdds: { state: 'connected' } }),
      { progress: { requiredConnected: 4, required: 4, missing: [], text: '4 of 4 required connected · CAS legacy' } }))
    await flushPromises()
    expect(w.find('[data-testid="overall-progress"]').text()).toBe('4 of 4 required connected · CAS legacy')
    expect(w.find('[data-testid="overall-progress"]').attributes('data-total')).toBe('4')
    expect(w.find('[data-testid="tile-seller"] [data-testid="tile-stale"]').exists()).toBe(false)
    expect(w.find('[data-testid="tile-cas"] [data-testid="tile-status"]').text()).toBe('Connected')
  })

  it('uses the Go words, and the refresh button re-checks identity and tiles', async () => {
    backend.tilesState.mockResolvedValue(tilesView([tile('seller', 'not-registered')]))
    backend.refreshTiles.mockResolvedValue(tilesView([tile('seller', 'not-registered')]))
    const w = mountApp()
    await flushPromises()
    expect(w.find('[data-testid="overall-progress"]').text()).toBe('0 of 3 required connected · CAS legacy')
    backend.refreshIdentity.mockClear()
    backend.refreshTiles.mockClear()
    await w.find('[data-testid="refresh-all"]').trigger('click')
    await flushPromises()
    expect(backend.refreshIdentity).toHaveBeenCalledTimes(1)
    expect(backend.refreshTiles).toHaveBeenCalledTimes(1)
  })

  it('loads the tiles at start and refreshes them in the background', async () => {
    mountApp()
    await flushPromises()
    expect(backend.tilesState).toHaveBeenCalledTimes(1)
    expect(backend.refreshTiles).toHaveBeenCalledTimes(1)
  })
})

describe('reset of a sandbox scenario', () => {
  it('asks first, then resets and closes; Cancel resets nothing', async () => {
    const w = mountApp()
    await flushPromises()
    await w.find('[data-testid="reset-scenario"]').trigger('click')
    await vi.waitFor(() => expect(document.querySelector('[data-testid="reset-dialog"]')).not.toBeNull())
    ;(document.querySelector('[data-testid="reset-cancel"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(backend.resetScenario).not.toHaveBeenCalled()
    await w.find('[data-testid="reset-scenario"]').trigger('click')
    await vi.waitFor(() => expect(document.querySelector('[data-testid="reset-confirm"]')).not.toBeNull())
    ;(document.querySelector('[data-testid="reset-confirm"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(backend.resetScenario).toHaveBeenCalledTimes(1)
    emit('session:changed', profileState('dev'))
    await flushPromises()
    expect(w.find('[data-testid="reset-scenario"]').exists()).toBe(false)
    w.unmount()
  })
})
