import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { backend, emit, identity, listenerCount, profileState, resetSeam, sandboxState } from '@/test/seam'
import { parseTargetKey, targetKey, useSessionStore } from './session'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

beforeEach(() => {
  resetSeam()
  setActivePinia(createPinia())
})

describe('start-up', () => {
  it('loads the cached state, the targets, and subscribes once', async () => {
    const s = useSessionStore()
    expect(s.loaded).toBe(false)
    await s.init()
    await flushPromises()
    expect(s.loaded).toBe(true)
    expect(s.target?.kind).toBe('sandbox')
    expect(s.identity?.account).toBe('123456789012')
    expect(s.scenarios.map((x) => x.name)).toEqual(['fresh', 'not-seller'])
    expect(s.profiles).toHaveLength(3)
    s.subscribe()
    expect(listenerCount('session:changed')).toBe(1)
  })

  it('does not re-verify a fresh identity', async () => {
    await useSessionStore().init()
    await flushPromises()
    expect(backend.refreshIdentity).not.toHaveBeenCalled()
  })

  it('re-verifies a stale identity in the background', async () => {
    resetSeam(sandboxState({ identity: { ...identity, stale: true } }))
    const check = deferred<ReturnType<typeof sandboxState>>()
    backend.refreshIdentity.mockReturnValue(check.promise)
    const s = useSessionStore()
    await s.init()
    expect(backend.refreshIdentity).toHaveBeenCalledTimes(1)
    expect(s.identity?.account).toBe('123456789012') // the cached one, shown at once
    expect(s.identityStatus).toBe('checking')
    check.resolve(sandboxState())
    await flushPromises()
    expect(s.identityStatus).toBe('verified')
  })

  it('re-verifies when there is a target but no identity yet', async () => {
    resetSeam(profileState('dev', { identity: null }))
    await useSessionStore().init()
    await flushPromises()
    expect(backend.refreshIdentity).toHaveBeenCalledTimes(1)
  })

  it('shows a readable error when the state cannot be read', async () => {
    backend.getState.mockRejectedValue('bridge down')
    const s = useSessionStore()
    await s.init()
    expect(s.loaded).toBe(true)
    expect(s.error?.kind).toBe('other')
    expect(s.error?.message).toContain('bridge down')
    expect(s.error?.next).toMatch(/log file/)
  })
})

describe('session:changed events', () => {
  it('replace the state: busy, then settled', async () => {
    const s = useSessionStore()
    await s.init()
    emit('session:changed', sandboxState({ busy: true, identity: { ...identity, stale: true } }))
    expect(s.busy).toBe(true)
    expect(s.identityStatus).toBe('checking')
    emit('session:changed', profileState('dev'))
    expect(s.busy).toBe(false)
    expect(s.target?.name).toBe('dev')
    expect(s.isSandbox).toBe(false)
    expect(s.identityStatus).toBe('verified')
  })

  it('marks a cached identity whose re-check failed as not re-checked', async () => {
    const s = useSessionStore()
    await s.init()
    emit('session:changed', profileState('dev', {
      identity: { ...identity, stale: true },
      error: { kind: 'other', message: 'RequestError: dial tcp: no such host', next: 'Check the profile and your network, then refresh.' },
    }))
    expect(s.identityStatus).toBe('unverified')
    expect(s.identity?.account).toBe('123456789012')
  })

  it('win over an older call result that returns after them', async () => {
    const s = useSessionStore()
    await s.init()
    const call = deferred<ReturnType<typeof sandboxState>>()
    backend.refreshIdentity.mockReturnValue(call.promise)
    const pending = s.refresh()
    emit('session:changed', profileState('newer'))
    call.resolve(sandboxState())
    await pending
    expect(s.target?.name).toBe('newer')
  })
})

describe('error kinds', () => {
  it('sso-login on a profile offers to sign in to that profile', async () => {
    const s = useSessionStore()
    await s.init()
    emit('session:changed', profileState('corp-sso', {
      identity: null,
      error: { kind: 'sso-login', message: 'the SSO session has expired', next: 'Sign in with AWS IAM Identity Center' },
    }))
    expect(s.error?.kind).toBe('sso-login')
    expect(s.signInProfile).toBe('corp-sso')
  })

  it('other kinds do not offer a sign-in', async () => {
    const s = useSessionStore()
    await s.init()
    for (const kind of ['no-credentials', 'unknown-profile', 'config-file', 'other'] as const) {
      emit('session:changed', profileState('dev', { error: { kind, message: 'm', next: 'n' } }))
      expect(s.error?.kind).toBe(kind)
      expect(s.signInProfile).toBeNull()
    }
  })

  it('a failed sign-in is kept as an action error with its next step', async () => {
    const s = useSessionStore()
    await s.init()
    await s.signIn('corp-sso')
    expect(backend.ssoLogin).toHaveBeenCalledWith('corp-sso')
    expect(s.sso).toMatchObject({ profile: 'corp-sso', device: null })
    emit('sso:device-code', { profile: 'corp-sso', url: 'https://device.sso.example/?code=ABCD-EFGH', userCode: 'ABCD-EFGH', expiresAt: '' })
    expect(s.sso?.device?.userCode).toBe('ABCD-EFGH')
    emit('sso:done', { profile: 'corp-sso', ok: false, error: { kind: 'other', message: 'AccessDeniedException', next: 'Try again.' } })
    expect(s.sso).toBeNull()
    expect(s.actionError?.message).toBe('AccessDeniedException')
  })

  it('a successful sign-in closes the dialog without an error', async () => {
    const s = useSessionStore()
    await s.init()
    await s.signIn('corp-sso')
    emit('sso:done', { profile: 'corp-sso', ok: true, error: null })
    expect(s.sso).toBeNull()
    expect(s.actionError).toBeNull()
  })

  it('a sign-in that cannot start says why', async () => {
    backend.ssoLogin.mockRejectedValue('profile "dev" is not an IAM Identity Center (SSO) profile')
    const s = useSessionStore()
    await s.signIn('dev')
    expect(s.sso).toBeNull()
    expect(s.actionError?.kind).toBe('sso-login')
    expect(s.actionError?.message).toContain('not an IAM Identity Center')
  })
})

describe('switching target', () => {
  it('calls UseProfile or UseSandbox once per pick', async () => {
    const s = useSessionStore()
    await s.init()
    await s.switchTo('profile:dev')
    expect(backend.useProfile).toHaveBeenCalledWith('dev')
    expect(s.target?.name).toBe('dev')
    expect(s.windowTitle).toBe('SellerDesk — profile dev')
    await s.switchTo('sandbox:not-seller')
    expect(backend.useSandbox).toHaveBeenCalledWith('not-seller')
    expect(s.windowTitle).toBe('SellerDesk — Sandbox — offline (not-seller)')
    expect(s.switchingTo).toBeNull()
  })

  it('does nothing when the current, healthy target is picked again', async () => {
    const s = useSessionStore()
    await s.init()
    await s.switchTo('sandbox:fresh')
    expect(backend.useSandbox).not.toHaveBeenCalled()
  })

  it('keys round-trip, including names with colons', () => {
    expect(parseTargetKey(targetKey('profile', 'a:b'))).toEqual({ kind: 'profile', name: 'a:b' })
    expect(parseTargetKey('nonsense')).toBeNull()
  })
})

describe('MFA prompts', () => {
  const p1 = { requestId: 'mfa-1', profile: 'admin', serial: 'arn:aws:iam::123456789012:mfa/alice' }
  const p2 = { requestId: 'mfa-2', profile: 'audit', serial: 'arn:aws:iam::123456789012:mfa/bob' }

  it('queue and are answered one at a time', async () => {
    const s = useSessionStore()
    await s.init()
    emit('mfa:prompt', p1)
    emit('mfa:prompt', p2)
    emit('mfa:prompt', p1) // duplicate delivery
    expect(s.mfaQueue).toHaveLength(2)
    expect(s.currentMfa?.requestId).toBe('mfa-1')
    expect(await s.submitMfa('123456')).toBe(true)
    expect(backend.submitMfaCode).toHaveBeenCalledWith('mfa-1', '123456')
    expect(s.currentMfa?.requestId).toBe('mfa-2')
    await s.cancelMfa()
    expect(backend.cancelMfa).toHaveBeenCalledWith('mfa-2')
    expect(s.currentMfa).toBeNull()
  })

  it('refuse a code that is not 6 digits without calling Go', async () => {
    const s = useSessionStore()
    s.queueMfa(p1)
    expect(await s.submitMfa('12345')).toBe(false)
    expect(s.mfaError).toMatch(/6 digits/)
    expect(backend.submitMfaCode).not.toHaveBeenCalled()
  })

  it('drop a prompt that timed out on the Go side', async () => {
    backend.submitMfaCode.mockRejectedValue('no MFA prompt "mfa-1" is waiting (it may have timed out)')
    const s = useSessionStore()
    s.queueMfa(p1)
    expect(await s.submitMfa('123456')).toBe(false)
    expect(s.currentMfa).toBeNull()
    expect(s.actionError?.message).toContain('timed out')
  })
})
