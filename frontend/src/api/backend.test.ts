import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as backend from './backend'

const Session = vi.hoisted(() => ({
  State: vi.fn(), Profiles: vi.fn(), Scenarios: vi.fn(), UseSandbox: vi.fn(), UseProfile: vi.fn(), Refresh: vi.fn(),
  SubmitMFACode: vi.fn(), CancelMFA: vi.fn(), SSOLogin: vi.fn(),
}))
const Shell = vi.hoisted(() => ({ About: vi.fn(), Notices: vi.fn(), Ready: vi.fn(), OpenURL: vi.fn() }))
vi.mock('../../wailsjs/go/app/Session', () => Session)
vi.mock('../../wailsjs/go/app/Shell', () => Shell)

beforeEach(() => {
  Object.values(Session).forEach((f) => f.mockReset())
  Object.values(Shell).forEach((f) => f.mockReset())
})

describe('backend seam', () => {
  it('turns Go nils into nulls and empty lists', async () => {
    Session.State.mockResolvedValue({ target: { kind: 'sandbox', name: 'fresh' }, identity: null, error: null, busy: false })
    expect(await backend.getState()).toMatchObject({ identity: null, error: null, busy: false })
    Session.Profiles.mockResolvedValue(null)
    expect(await backend.listProfiles()).toEqual([])
    Session.Profiles.mockResolvedValue([{ name: 'dev', kind: 'static', region: '', sources: null, problem: '' }])
    expect((await backend.listProfiles())[0]!.sources).toEqual([])
    Shell.Notices.mockResolvedValue(null)
    expect(await backend.notices()).toEqual([])
  })

  it('passes arguments through to the bound methods', async () => {
    Session.UseProfile.mockResolvedValue({ busy: false })
    await backend.useProfile('dev')
    expect(Session.UseProfile).toHaveBeenCalledWith('dev')
    await backend.submitMfaCode('mfa-1', '123456')
    expect(Session.SubmitMFACode).toHaveBeenCalledWith('mfa-1', '123456')
    await backend.ready(12.5)
    expect(Shell.Ready).toHaveBeenCalledWith(12.5)
  })

  it('reads Go error strings', () => {
    expect(backend.errorMessage('no MFA prompt "x" is waiting')).toBe('no MFA prompt "x" is waiting')
    expect(backend.errorMessage(new Error('boom'))).toBe('boom')
  })
})
