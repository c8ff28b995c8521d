import { flushPromises } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { BOOT_SCRIPT_ID, takeBootState } from './boot'
import { resetSeam } from '@/test/seam'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

// What Go's json.Marshal of app.BootState looks like: nil slices as null.
const goBoot = {
  session: { target: { kind: 'sandbox', name: 'fresh', key: 'sandbox:fresh', label: 'Sandbox: fresh' }, identity: null, error: null, busy: false },
  onboarding: { record: null, watching: false, error: '' },
  tiles: { tiles: null, casEnrolled: false, sddsEnrolled: false, busy: false },
}

function page(json: string | null): Document {
  const doc = document.implementation.createHTMLDocument('t')
  if (json !== null) {
    const el = doc.createElement('script')
    el.id = BOOT_SCRIPT_ID
    el.type = 'application/json'
    el.textContent = json
    doc.head.append(el)
  }
  return doc
}

beforeEach(() => resetSeam())

describe('takeBootState', () => {
  it('reads, normalises and removes the element', () => {
    const doc = page(JSON.stringify(goBoot))
    const b = takeBootState(doc)
    expect(b?.session.target?.name).toBe('fresh')
    expect(Array.isArray(b?.tiles.tiles)).toBe(true) // null slice normalised
    expect(doc.getElementById(BOOT_SCRIPT_ID)).toBeNull()
    expect(takeBootState(doc)).toBeNull() // once
  })

  it.each([
    ['no element', null],
    ['not JSON', '{"session":'],
    ['a part missing', JSON.stringify({ session: goBoot.session, tiles: goBoot.tiles })],
    ['not an object', '42'],
  ])('%s: null, so the stores ask over IPC', (_name, json) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(takeBootState(page(json))).toBeNull()
    warn.mockRestore()
  })
})

describe('startStores with a boot state', () => {
  it('shows the boot state before any IPC answer, then takes the fresher answer', async () => {
    vi.resetModules() // startStores runs once per module instance
    const { backend, profileState, resetSeam, sandboxState } = await import('@/test/seam')
    resetSeam(sandboxState())
    const { startStores } = await import('./startup')
    const { useSessionStore } = await import('./stores/session')
    const { useTilesStore } = await import('./stores/tiles')
    let answer!: (v: ReturnType<typeof profileState>) => void
    backend.getState.mockReturnValue(new Promise((res) => (answer = res)))
    const pinia = createPinia()
    startStores(pinia, page(JSON.stringify(goBoot)))
    const s = useSessionStore(pinia)
    expect(s.loaded).toBe(true) // synchronously: the first render has it
    expect(s.target?.name).toBe('fresh')
    expect(useTilesStore(pinia).view).not.toBeNull()
    expect(backend.getState).toHaveBeenCalledTimes(1) // still reconciles
    answer(profileState('dev'))
    await flushPromises()
    expect(s.target?.name).toBe('dev')
  })
})
