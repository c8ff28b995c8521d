import { beforeEach, describe, expect, it, vi } from 'vitest'
import * as backend from './backend'

const Session = vi.hoisted(() => ({
  State: vi.fn(), Profiles: vi.fn(), Scenarios: vi.fn(), UseSandbox: vi.fn(), UseProfile: vi.fn(), Refresh: vi.fn(),
  SubmitMFACode: vi.fn(), CancelMFA: vi.fn(), SSOLogin: vi.fn(),
}))
const Shell = vi.hoisted(() => ({ About: vi.fn(), Notices: vi.fn(), Ready: vi.fn(), OpenURL: vi.fn() }))
const Onboarding = vi.hoisted(() => ({
  Review: vi.fn(), TemplateBody: vi.fn(), Validate: vi.fn(), State: vi.fn(), Launch: vi.fn(), Retry: vi.fn(), Delete: vi.fn(),
  PreviewUpdate: vi.fn(), ExecuteUpdate: vi.fn(), Recheck: vi.fn(),
}))
vi.mock('../../wailsjs/go/app/Session', () => Session)
vi.mock('../../wailsjs/go/app/Onboarding', () => Onboarding)
vi.mock('../../wailsjs/go/app/Shell', () => Shell)

beforeEach(() => {
  Object.values(Session).forEach((f) => f.mockReset())
  Object.values(Shell).forEach((f) => f.mockReset())
  Object.values(Onboarding).forEach((f) => f.mockReset())
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
    await backend.ready(0, 12.5)
    expect(Shell.Ready).toHaveBeenCalledWith(0, 12.5)
  })

  it('reads Go error strings', () => {
    expect(backend.errorMessage('no MFA prompt "x" is waiting')).toBe('no MFA prompt "x" is waiting')
    expect(backend.errorMessage(new Error('boom'))).toBe('boom')
  })

  it('normalises the onboarding answers (nil lists, a missing record)', async () => {
    Onboarding.State.mockResolvedValue({ record: null, needsUpdate: false, appTemplate: 'v', watching: false, error: null })
    expect(await backend.onboardingState()).toEqual({ record: null, needsUpdate: false, appTemplate: 'v', watching: false, error: null, existing: null, drift: { checking: false, restoring: false, elapsedSeconds: 0, error: null, restore: null } })
    Onboarding.Validate.mockResolvedValue(null)
    expect(await backend.validateLaunch({ stackName: 'a', partnerAccountId: '', externalId: '', reportUrl: '', leastPrivilege: false, casBucketName: '', sddsBucketName: '', acknowledged: false })).toEqual([])
    Onboarding.Review.mockResolvedValue({ defaultStackName: 'SellerDesk-Onboarding', summary: { version: 'v', resources: null, outputs: null } })
    const r = await backend.reviewStack({ stackName: '', partnerAccountId: '000000000000', externalId: 'xx', reportUrl: '', leastPrivilege: true, casBucketName: '', sddsBucketName: '', acknowledged: false })
    expect(r.summary).toMatchObject({ version: 'v', resources: [], outputs: [], parameters: [], conditions: [], capabilities: [] })
    expect(Onboarding.Review).toHaveBeenCalledWith(expect.objectContaining({ leastPrivilege: true }))
    Onboarding.PreviewUpdate.mockResolvedValue({ changeSetId: 'cs-1', changes: null, fromVersion: 'a', toVersion: 'b' })
    expect(await backend.previewUpdate()).toEqual({ changeSetId: 'cs-1', changes: [], fromVersion: 'a', toVersion: 'b' })
    Onboarding.ExecuteUpdate.mockResolvedValue({ record: null })
    await backend.executeUpdate('cs-1')
    expect(Onboarding.ExecuteUpdate).toHaveBeenCalledWith('cs-1')
  })

  it('passes launch errors through as the Go side wrote them', async () => {
    Onboarding.Launch.mockRejectedValue('AlreadyExistsException: Stack [SellerDesk-Onboarding] already exists')
    await expect(backend.launchStack({ stackName: 'SellerDesk-Onboarding', partnerAccountId: '210987654321', externalId: 'xx', reportUrl: '', leastPrivilege: false, casBucketName: '', sddsBucketName: '', acknowledged: true }))
      .rejects.toBe('AlreadyExistsException: Stack [SellerDesk-Onboarding] already exists')
  })
})
