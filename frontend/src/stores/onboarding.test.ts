import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { StackView } from '@/api/types'
import { backend, changePreview, emit, listenerCount, record, resetSeam, stackView } from '@/test/seam'
import { compareTimes, emptyForm, useOnboardingStore } from './onboarding'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const at = (s: string) => `2026-01-01T10:00:${s}Z`

beforeEach(() => {
  resetSeam()
  setActivePinia(createPinia())
})

describe('onboarding store: state from the Go side', () => {
  it('loads the state at start and follows onboarding:changed events', async () => {
    backend.onboardingState.mockResolvedValue(stackView(record('launching', { updatedAt: at('01') })))
    const s = useOnboardingStore()
    expect(s.loaded).toBe(false)
    await s.init()
    expect(listenerCount('onboarding:changed')).toBe(1)
    expect(s.phase).toBe('launching')
    expect(s.phaseLabel).toBe('Launching')
    expect(s.progress).toEqual({ done: 7, total: 24, percent: 29 })
    expect(s.running).toBe(true)

    emit('onboarding:changed', stackView(record('connected', { updatedAt: at('30') })))
    expect(s.phase).toBe('connected')
    expect(s.roleArn).toBe('arn:aws:iam::123456789012:role/SellerDeskPartnerRole')
    expect(s.running).toBe(false)

    await s.init() // a second init does not subscribe twice
    expect(listenerCount('onboarding:changed')).toBe(1)
  })

  it('ignores an event older than the state shown for the same stack', async () => {
    const s = useOnboardingStore()
    await s.init()
    emit('onboarding:changed', stackView(record('launching', { done: 10, updatedAt: at('20') })))
    emit('onboarding:changed', stackView(record('launching', { done: 5, updatedAt: at('10') })))
    expect(s.progress.done).toBe(10)
    // Another target's stack is not comparable: it replaces the state.
    emit('onboarding:changed', stackView(record('connected', { targetKey: 'profile:dev', updatedAt: at('01') })))
    expect(s.record?.targetKey).toBe('profile:dev')
    // No stack at all for the new target: shown.
    emit('onboarding:changed', stackView(null))
    expect(s.record).toBeNull()
    expect(s.phase).toBe('not-connected')
  })

  it('compares Go times to the nanosecond', () => {
    expect(compareTimes('2026-01-01T10:00:00.000000002Z', '2026-01-01T10:00:00.000000001Z')).toBe(1)
    expect(compareTimes('2026-01-01T10:00:00Z', '2026-01-01T10:00:00.1Z')).toBe(-1)
    expect(compareTimes('2026-01-01T11:00:00+01:00', '2026-01-01T10:00:00Z')).toBe(0)
    expect(compareTimes('', '2026-01-01T10:00:00Z')).toBeNull()
  })

  it('does not let a late call result overwrite a newer event', async () => {
    const s = useOnboardingStore()
    await s.init()
    const call = deferred<StackView>()
    backend.recheckStack.mockReturnValue(call.promise)
    emit('onboarding:changed', stackView(record('connected', { updatedAt: at('05') })))
    const p = s.recheck()
    expect(s.busy.recheck).toBe(true)
    emit('onboarding:changed', stackView(record('error', { updatedAt: at('40') })))
    call.resolve(stackView(record('connected', { updatedAt: at('30') })))
    expect(await p).toBe(true)
    expect(s.phase).toBe('error')
    expect(s.busy.recheck).toBe(false)
  })

  it('prefers the event when a result is as new as an event that arrived during the call', async () => {
    const s = useOnboardingStore()
    await s.init()
    const call = deferred<StackView>()
    backend.recheckStack.mockReturnValue(call.promise)
    emit('onboarding:changed', stackView(record('error', { updatedAt: at('05') })))
    const p = s.recheck()
    emit('onboarding:changed', stackView(record('error', { updatedAt: at('05') }), { watching: false }))
    call.resolve(stackView(record('error', { updatedAt: at('05') }), { watching: true }))
    await p
    expect(s.view?.watching).toBe(false)
  })

  it('applies a result newer than the events, or when no event came', async () => {
    const s = useOnboardingStore()
    await s.init()
    emit('onboarding:changed', stackView(record('connected', { updatedAt: at('05') })))
    backend.recheckStack.mockResolvedValue(stackView(record('error', { updatedAt: at('06') })))
    await s.recheck()
    expect(s.phase).toBe('error')

    const call = deferred<StackView>()
    backend.recheckStack.mockReturnValue(call.promise)
    const p = s.recheck()
    emit('onboarding:changed', stackView(record('verifying', { updatedAt: at('07') })))
    call.resolve(stackView(record('connected', { updatedAt: at('08') })))
    await p
    expect(s.phase).toBe('connected')
  })

  it('reports a state that cannot be read', async () => {
    backend.onboardingState.mockRejectedValue('store is closed')
    const s = useOnboardingStore()
    await s.init()
    expect(s.loaded).toBe(false)
    expect(s.loadError).toMatch(/could not read the onboarding state: store is closed/)
    emit('onboarding:changed', stackView(null))
    expect(s.loadError).toBeNull()
    expect(s.loaded).toBe(true)
  })
})

describe('onboarding store: actions', () => {
  it('launches with the trimmed form and shows the progress', async () => {
    const s = useOnboardingStore()
    await s.init()
    s.openLaunch()
    expect(s.panel).toBe('launch')
    const f = { ...emptyForm(' SellerDesk-Onboarding '), partnerAccountId: ' 210987654321', externalId: 'ext-1 ', reportUrl: '  ', acknowledged: true }
    expect(await s.launch(f)).toBe(true)
    expect(backend.launchStack).toHaveBeenCalledWith({
      stackName: 'SellerDesk-Onboarding', partnerAccountId: '210987654321', externalId: 'ext-1', reportUrl: '', leastPrivilege: false, casBucketName: '', sddsBucketName: '', acknowledged: true,
    })
    expect(s.phase).toBe('launching')
    expect(s.panel).toBe('details')
    expect(s.busy.launch).toBe(false)
  })

  it('keeps a structured rejection: kind, next step, AWS code and request ID', async () => {
    const rejection = {
      kind: 'access-denied', message: 'The identity in use is not allowed to call cloudformation:CreateStack.',
      next: 'Use a profile allowed to create CloudFormation stacks and IAM roles (for example an administrator), then try again. Nothing was created.',
      code: 'AccessDenied', requestId: 'req-1', action: 'cloudformation:CreateStack', field: '',
    }
    backend.launchStack.mockRejectedValue(rejection)
    const s = useOnboardingStore()
    await s.init()
    s.openLaunch()
    expect(await s.launch({ ...emptyForm('A'), acknowledged: true })).toBe(false)
    expect(s.actionError?.error).toEqual({ kind: 'access-denied', message: rejection.message, next: rejection.next,
      code: 'AccessDenied', requestId: 'req-1', action: 'cloudformation:CreateStack' })
    expect(s.actionError?.message).toBe(`${rejection.message} ${rejection.next} (AWS code: AccessDenied · Request ID: req-1)`)
  })

  it('keeps a launch error as the Go side wrote it, and stays on the form', async () => {
    const msg = 'AccessDenied: User is not authorized to perform cloudformation:CreateStack — use a profile allowed to create CloudFormation stacks and IAM roles (for example an administrator), then try again. Nothing was created.'
    backend.launchStack.mockRejectedValue(msg)
    const s = useOnboardingStore()
    await s.init()
    s.openLaunch()
    expect(await s.launch({ ...emptyForm('A'), acknowledged: true })).toBe(false)
    expect(s.actionError).toMatchObject({ action: 'launch', message: msg })
    expect(s.panel).toBe('launch')
    expect(s.record).toBeNull()
    s.openLaunch() // reopening starts without the old error
    expect(s.actionError).toBeNull()
  })

  it('sets a busy flag per action and ignores a second click while it runs', async () => {
    const s = useOnboardingStore()
    await s.init()
    emit('onboarding:changed', stackView(record('error')))
    const call = deferred<StackView>()
    backend.recheckStack.mockReturnValue(call.promise)
    const p1 = s.recheck()
    const p2 = s.recheck()
    expect(s.busy.recheck).toBe(true)
    expect(s.calling).toBe(true)
    expect(backend.recheckStack).toHaveBeenCalledTimes(1)
    call.resolve(stackView(record('deleting', { updatedAt: at('59') })))
    await Promise.all([p1, p2])
    expect(s.busy.recheck).toBe(false)
    expect(s.phase).toBe('deleting')
  })

  it('retries through the launch form: the failed values, then Delete and create again with what changed', async () => {
    const s = useOnboardingStore()
    await s.init()
    emit('onboarding:changed', stackView(record('error')))
    expect(await s.retry()).toBe(true)
    expect(s.panel).toBe('launch')
    expect(s.form.externalId).toBe('ext-1')
    expect(s.form.acknowledged).toBe(false)
    s.form.casBucketName = '  acme-cas  '
    s.form.acknowledged = true
    expect(await s.launch()).toBe(true)
    expect(backend.launchStack).not.toHaveBeenCalled()
    expect(backend.retryStack).toHaveBeenCalledWith(expect.objectContaining({ casBucketName: 'acme-cas', externalId: 'ext-1' }))
    expect(s.retrying).toBeNull()
    expect(s.panel).toBe('details')
  })

  it('an abandoned retry leaves the next launch form fresh', async () => {
    const s = useOnboardingStore()
    await s.init()
    emit('onboarding:changed', stackView(record('error')))
    await s.retry()
    s.closePanel()
    expect(s.retrying).toBeNull()
    expect(s.form.partnerAccountId).toBe('')
  })

  it('deletes only after confirmation', async () => {
    const s = useOnboardingStore()
    await s.init()
    emit('onboarding:changed', stackView(record('error')))
    s.askDelete()
    expect(s.confirmingDelete).toBe(true)
    s.cancelDelete()
    expect(s.confirmingDelete).toBe(false)
    expect(backend.deleteStack).not.toHaveBeenCalled()
    s.askDelete()
    expect(await s.confirmDelete()).toBe(true)
    expect(backend.deleteStack).toHaveBeenCalledTimes(1)
    expect(s.confirmingDelete).toBe(false)
    expect(s.phase).toBe('deleting')
    s.askDelete() // already deleting
    expect(s.confirmingDelete).toBe(false)
  })

  it('captures a failed delete', async () => {
    backend.deleteStack.mockRejectedValue('AccessDenied: not authorized to perform cloudformation:DeleteStack')
    const s = useOnboardingStore()
    await s.init()
    emit('onboarding:changed', stackView(record('connected')))
    s.askDelete()
    expect(await s.confirmDelete()).toBe(false)
    expect(s.actionError).toMatchObject({ action: 'delete', message: 'AccessDenied: not authorized to perform cloudformation:DeleteStack' })
    expect(s.phase).toBe('connected')
  })

  it('previews an update, then runs the change set', async () => {
    const s = useOnboardingStore()
    await s.init()
    emit('onboarding:changed', stackView(record('connected'), { needsUpdate: true }))
    expect(s.needsUpdate).toBe(true)
    expect(await s.previewUpdate()).toBe(true)
    expect(s.preview).toEqual(changePreview())
    expect(await s.runUpdate()).toBe(true)
    expect(backend.executeUpdate).toHaveBeenCalledWith(changePreview().changeSetId)
    expect(s.preview).toBeNull()
    expect(s.phaseLabel).toBe('Updating')
  })

  it('keeps the preview open when running the update fails', async () => {
    backend.executeUpdate.mockRejectedValue('ValidationError: change set is not executable')
    const s = useOnboardingStore()
    await s.init()
    emit('onboarding:changed', stackView(record('connected'), { needsUpdate: true }))
    await s.previewUpdate()
    expect(await s.runUpdate()).toBe(false)
    expect(s.preview).not.toBeNull()
    expect(s.actionError?.action).toBe('update')
    s.closePreview()
    expect(s.preview).toBeNull()
  })

  it('rechecks the role', async () => {
    const s = useOnboardingStore()
    await s.init()
    emit('onboarding:changed', stackView(record('connected')))
    await s.recheck()
    expect(backend.recheckStack).toHaveBeenCalledTimes(1)
    await flushPromises()
    expect(s.phase).toBe('connected')
  })
})
