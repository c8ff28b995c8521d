import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as events from './events'

const runtime = vi.hoisted(() => ({
  EventsOn: vi.fn(),
  WindowSetTitle: vi.fn(),
  BrowserOpenURL: vi.fn(),
  ClipboardSetText: vi.fn(),
}))
vi.mock('../../wailsjs/runtime/runtime', () => runtime)

const writeText = vi.fn<(t: string) => Promise<void>>()

beforeEach(() => {
  Object.values(runtime).forEach((f) => f.mockReset())
  writeText.mockReset().mockResolvedValue(undefined)
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
  ;(window as { runtime?: unknown }).runtime = {}
})
afterEach(() => {
  delete (window as { runtime?: unknown }).runtime
})

describe('event names', () => {
  it('are the Go constants of app/platform.go', () => {
    const goFile = resolve(dirname(fileURLToPath(import.meta.url)), '../../../app/platform.go')
    if (!existsSync(goFile)) return // frontend checked out alone
    const go = readFileSync(goFile, 'utf8')
    const constant = (name: string) => go.match(new RegExp(`${name}\\s*=\\s*"([^"]+)"`))?.[1]
    expect(events.EventSessionChanged).toBe(constant('EventSessionChanged'))
    expect(events.EventMFAPrompt).toBe(constant('EventMFAPrompt'))
    expect(events.EventSSODeviceCode).toBe(constant('EventSSODeviceCode'))
    expect(events.EventSSODone).toBe(constant('EventSSODone'))
  })

  it('include onboarding:changed, the constant of app/onboarding.go', () => {
    const goFile = resolve(dirname(fileURLToPath(import.meta.url)), '../../../app/onboarding.go')
    if (!existsSync(goFile)) return
    const go = readFileSync(goFile, 'utf8')
    expect(events.EventOnboardingChanged).toBe(go.match(/EventOnboardingChanged\s*=\s*"([^"]+)"/)?.[1])
  })
})

describe('subscriptions', () => {
  it('normalise session:changed payloads (Go sends null for nil)', () => {
    const off = vi.fn()
    runtime.EventsOn.mockReturnValue(off)
    const cb = vi.fn()
    expect(events.onSessionChanged(cb)).toBe(off)
    expect(runtime.EventsOn).toHaveBeenCalledWith('session:changed', expect.any(Function))
    const handler = runtime.EventsOn.mock.calls[0]![1] as (p: unknown) => void
    handler({ target: null, busy: true })
    expect(cb).toHaveBeenCalledWith({ target: null, identity: null, error: null, busy: true })
  })

  it('normalise onboarding:changed payloads: nil slices, maps and zero times', () => {
    const cb = vi.fn()
    events.onOnboardingChanged(cb)
    expect(runtime.EventsOn).toHaveBeenCalledWith('onboarding:changed', expect.any(Function))
    const handler = runtime.EventsOn.mock.calls[0]![1] as (p: unknown) => void
    handler({ record: null, needsUpdate: false, appTemplate: '2026-11-22.1', watching: false, error: null })
    expect(cb).toHaveBeenLastCalledWith({ record: null, needsUpdate: false, appTemplate: '2026-11-22.1', watching: false, error: null, existing: null, drift: { checking: false, restoring: false, elapsedSeconds: 0, error: null, restore: null } })
    handler({
      record: { targetKey: 'sandbox:fresh', stackName: 'S', phase: 'launching', events: null, outputs: null, checks: null, failure: null,
        params: { partnerAccountId: '210987654321' }, startedAt: '0001-01-01T00:00:00Z', updatedAt: '2026-01-01T10:00:00.5Z', total: 3, done: 1 },
      watching: true,
    })
    const v = cb.mock.lastCall![0]
    expect(v.record).toMatchObject({ events: [], outputs: {}, checks: [], failure: null, startedAt: '', updatedAt: '2026-01-01T10:00:00.5Z', rolledBack: false })
    expect(v.record.params).toMatchObject({ partnerAccountId: '210987654321', externalId: '', leastPrivilege: false })
    expect(v).toMatchObject({ watching: true, needsUpdate: false, error: null })
    expect(v.record.drift).toBeNull()
    expect(v.drift).toEqual({ checking: false, restoring: false, elapsedSeconds: 0, error: null, restore: null })

    // A drift report with Go's nil lists, and a restore result.
    handler({
      record: { targetKey: 'sandbox:fresh', stackName: 'S', phase: 'connected',
        drift: { stackName: 'S', status: 'DRIFTED', checkedAt: '2026-01-01T10:00:00Z', resources: [{ logicalId: 'PartnerRole', status: 'DELETED', differences: null }] } },
      drift: { checking: false, restore: { restored: null, left: ['PartnerRole: was deleted'] } },
    })
    const d = cb.mock.lastCall![0]
    expect(d.record.drift).toMatchObject({ status: 'DRIFTED', detectionId: '', resources: [{ logicalId: 'PartnerRole', plain: '', differences: [] }] })
    expect(d.drift.restore).toEqual({ restored: [], left: ['PartnerRole: was deleted'] })
  })

  it('are harmless without the Wails runtime (plain browser)', () => {
    delete (window as { runtime?: unknown }).runtime
    const off = events.onMfaPrompt(vi.fn())
    expect(runtime.EventsOn).not.toHaveBeenCalled()
    expect(() => off()).not.toThrow()
  })
})

describe('copyText', () => {
  it('uses the Wails clipboard', async () => {
    runtime.ClipboardSetText.mockResolvedValue(true)
    expect(await events.copyText('123456789012')).toBe(true)
    expect(runtime.ClipboardSetText).toHaveBeenCalledWith('123456789012')
    expect(writeText).not.toHaveBeenCalled()
  })

  it('falls back to navigator.clipboard when Wails cannot copy', async () => {
    runtime.ClipboardSetText.mockResolvedValue(false)
    expect(await events.copyText('abc')).toBe(true)
    expect(writeText).toHaveBeenCalledWith('abc')
  })

  it('falls back to navigator.clipboard without the runtime, and reports failure', async () => {
    delete (window as { runtime?: unknown }).runtime
    writeText.mockRejectedValue(new Error('denied'))
    expect(await events.copyText('abc')).toBe(false)
    expect(runtime.ClipboardSetText).not.toHaveBeenCalled()
  })
})

describe('window', () => {
  it('sets the window title through Wails', () => {
    events.setWindowTitle('SellerDesk — profile dev')
    expect(runtime.WindowSetTitle).toHaveBeenCalledWith('SellerDesk — profile dev')
    expect(document.title).toBe('SellerDesk — profile dev')
  })
})
