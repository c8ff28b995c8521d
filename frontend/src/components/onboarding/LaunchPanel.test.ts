import { DOMWrapper, flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useOnboardingStore } from '@/stores/onboarding'
import { useSessionStore } from '@/stores/session'
import { backend, record, resetSeam, sandboxState, stackView } from '@/test/seam'
import LaunchPanel from './LaunchPanel.vue'
import { PLACEHOLDER_ACCOUNT, PLACEHOLDER_EXTERNAL_ID } from './stackWords'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

let wrapper: ReturnType<typeof mount> | null = null

async function settle() {
  await vi.advanceTimersByTimeAsync(300)
  await flushPromises()
}

async function open() {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().conn = sandboxState()
  const store = useOnboardingStore()
  store.openLaunch()
  wrapper = mount(LaunchPanel, { attachTo: document.body, global: { plugins: [pinia] } })
  await settle()
  return { w: wrapper, store }
}

const q = (sel: string) => wrapper!.find(sel)
const input = (id: string) => q(`[data-testid="${id}"]`) as DOMWrapper<HTMLInputElement>
const problem = (field: string) => q(`[data-testid="field-error-${field}"]`).text()
const createButton = () => q('[data-testid="create-stack"]')

async function type(id: string, value: string) {
  await input(id).setValue(value)
  await settle()
}

async function fillValid() {
  await type('param-partner-account', ' 210987654321 ')
  await type('param-external-id', 'partner-ext-1 ')
}

async function tick() {
  await q('[data-testid="ack-iam"]').trigger('click')
  await settle()
}

beforeEach(() => {
  vi.useFakeTimers()
  resetSeam()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
  vi.useRealTimers()
})

describe('launch form', () => {
  it('proposes the default stack name from the review', async () => {
    await open()
    expect(input('param-stack-name').element.value).toBe('SellerDesk-Onboarding')
    expect(q('[data-testid="launch-account"]').text()).toBe('123456789012')
  })

  it('shows each validation message under its field, once the field is edited', async () => {
    await open()
    // Untouched fields stay quiet even though they are required.
    expect(problem('partnerAccountId')).toBe('')
    expect(problem('externalId')).toBe('')

    await type('param-partner-account', '12345')
    expect(problem('partnerAccountId')).toBe('Partner account ID must be exactly 12 digits; got 5')
    expect(q('#param-partner-account').attributes('aria-describedby')).toContain('param-partner-account-problem')

    await type('param-external-id', 'a b')
    expect(problem('externalId')).toMatch(/^External ID may contain only/)

    await type('param-stack-name', '1stack')
    expect(problem('stackName')).toMatch(/Stack name may contain only letters/)

    await type('param-report-url', 'http://example.com/x')
    expect(problem('reportUrl')).toMatch(/must start with https:\/\//)

    await type('param-partner-account', '210987654321')
    expect(problem('partnerAccountId')).toBe('')
    expect(problem('externalId')).not.toBe('')
  })

  it('validates through Onboarding.Validate, debounced', async () => {
    await open()
    backend.validateLaunch.mockClear()
    await input('param-partner-account').setValue('2')
    await input('param-partner-account').setValue('21')
    await input('param-partner-account').setValue('210')
    await vi.advanceTimersByTimeAsync(100)
    expect(backend.validateLaunch).not.toHaveBeenCalled()
    await settle()
    expect(backend.validateLaunch).toHaveBeenCalledTimes(1)
    expect(backend.validateLaunch.mock.calls[0]![0]).toMatchObject({ partnerAccountId: '210', stackName: 'SellerDesk-Onboarding' })
  })

  it('keeps Create disabled until the form is valid and the acknowledgement ticked', async () => {
    await open()
    expect(createButton().attributes('disabled')).toBeDefined()
    expect(q('[data-testid="ack-iam"]').text()).toBe(
      'I acknowledge that this stack creates IAM roles and policies with custom names (CAPABILITY_NAMED_IAM), and that it may run code (the reporter function) when a report URL is given.')

    await tick() // ticked, but the form is not valid yet
    expect(createButton().attributes('disabled')).toBeDefined()
    // Nothing typed yet: the hint asks for input; no field is marked wrong.
    expect(q('[data-testid="create-hint"]').text()).toBe('Fill in the partner account ID and the external ID to continue.')
    expect(problem('partnerAccountId')).toBe('')
    expect(problem('externalId')).toBe('')
    await type('param-partner-account', '21098')
    expect(q('[data-testid="create-hint"]').text()).toBe('Fix the parameter marked above to continue.')

    await fillValid()
    expect(createButton().attributes('disabled')).toBeUndefined()

    await tick() // unticked again
    expect(createButton().attributes('disabled')).toBeDefined()
    expect(q('[data-testid="create-hint"]').text()).toBe('Tick the acknowledgement to continue.')
    expect(problem('acknowledged')).toMatch(/Tick the acknowledgement/)

    await tick()
    await type('param-partner-account', '21098765432x') // invalid again
    expect(createButton().attributes('disabled')).toBeDefined()
  })

  it('calls Launch with the trimmed form', async () => {
    const { store } = await open()
    await fillValid()
    await type('param-report-url', ' https://partner.example/report ')
    await q('[data-testid="param-least-privilege"]').trigger('click')
    await settle()
    await tick()
    await createButton().trigger('click')
    await flushPromises()
    expect(backend.launchStack).toHaveBeenCalledWith({
      stackName: 'SellerDesk-Onboarding', partnerAccountId: '210987654321', externalId: 'partner-ext-1',
      reportUrl: 'https://partner.example/report', leastPrivilege: true, casBucketName: '', sddsBucketName: '', acknowledged: true,
    })
    expect(store.panel).toBe('details')
  })

  it('shows a launch error as-is, in an alert', async () => {
    const msg = 'AlreadyExistsException: Stack [SellerDesk-Onboarding] already exists — choose another stack name, or delete the existing stack first.'
    backend.launchStack.mockRejectedValue(msg)
    const { store } = await open()
    await fillValid()
    await tick()
    await createButton().trigger('click')
    await flushPromises()
    expect(q('[data-testid="launch-error"]').text()).toContain(msg)
    expect(store.panel).toBe('launch')
    expect(createButton().attributes('disabled')).toBeUndefined() // can try again
  })

  it('offers Follow when the stack is already being created, and follows it', async () => {
    const msg = 'stack SellerDesk-Onboarding is already being created (CREATE_IN_PROGRESS since 10:04:05): nothing was launched; follow it instead of launching again. Choose Follow to watch it here.'
    const { store } = await open()
    // As the Go side does: the refusal's state arrives as an event, then the call rejects.
    backend.launchStack.mockImplementation(async () => {
      store.applyEvent(stackView(null, { existing: { stackName: 'SellerDesk-Onboarding', status: 'CREATE_IN_PROGRESS', since: '2026-12-03T10:04:05Z', inProgress: true } }))
      throw msg
    })
    await fillValid()
    await tick()
    await createButton().trigger('click')
    await flushPromises()
    expect(q('[data-testid="launch-error"]').text()).toContain('already being created')
    const follow = q('[data-testid="follow-stack"]')
    expect(follow.text()).toContain('Follow SellerDesk-Onboarding')
    await follow.trigger('click')
    await flushPromises()
    expect(backend.followStack).toHaveBeenCalledWith('SellerDesk-Onboarding')
    expect(store.panel).toBe('details')
    expect(store.record?.phase).toBe('launching')
    expect(store.actionError).toBeNull()
  })

  it('offers no Follow for a stack that is not in progress', async () => {
    const { store } = await open()
    backend.launchStack.mockImplementation(async () => {
      store.applyEvent(stackView(null, { existing: { stackName: 'SellerDesk-Onboarding', status: 'ROLLBACK_COMPLETE', since: '2026-12-03T10:04:05Z', inProgress: false } }))
      throw 'a stack named "SellerDesk-Onboarding" already exists (status ROLLBACK_COMPLETE)'
    })
    await fillValid()
    await tick()
    await createButton().trigger('click')
    await flushPromises()
    expect(q('[data-testid="launch-error"]').exists()).toBe(true)
    expect(q('[data-testid="follow-stack"]').exists()).toBe(false)
  })

  it('does not launch from a form that changed after it was checked', async () => {
    await open()
    await fillValid()
    await tick()
    await input('param-partner-account').setValue('123')
    await createButton().trigger('click')
    await flushPromises()
    expect(backend.launchStack).not.toHaveBeenCalled()
  })
})

describe('review', () => {
  it('groups the resources and greys out the ones not created, saying why', async () => {
    await open()
    const groups = wrapper!.findAll('[data-testid^="review-group-"]').map((g) => g.attributes('data-testid'))
    expect(groups).toEqual(['review-group-role', 'review-group-queue', 'review-group-marketplace', 'review-group-cas', 'review-group-sdds',
      'review-group-reports', 'review-group-reporter'])
    const skipped = wrapper!.findAll('[data-testid="review-resource"][data-skipped="true"]')
    expect(skipped.map((r) => r.attributes('data-logical-id'))).toEqual(['ReporterFunctionRole', 'ReporterFunction'])
    for (const r of skipped) {
      expect(r.classes()).toContain('skipped')
      expect(r.find('[data-testid="review-skipped"]').text()).toBe(
        'Not created with these parameters: it is created only if Report URL is not empty.')
    }
    expect(q('[data-testid="review-count"]').text()).toMatch(/6 resources will be created; 2 are left out/)
  })

  it('renders every statement: effect, sentence, actions, resources, principals, conditions', async () => {
    await open()
    const role = q('[data-logical-id="PartnerRole"]')
    const st = role.find('[data-testid="review-statement"]')
    expect(st.find('[data-testid="statement-effect"]').text()).toBe('Allow')
    expect(st.find('[data-testid="statement-actions"]').text()).toBe('sts:AssumeRole')
    expect(st.find('[data-testid="statement-principals"]').text()).toBe('AWS: arn:aws:iam::${PartnerAccountId}:root')
    expect(st.find('[data-testid="statement-conditions"]').text()).toBe('StringEquals sts:ExternalId = ${ExternalId}')
    expect(st.find('[data-testid="statement-text"]').text()).toBe(
      "Allows the partner's AWS account ${PartnerAccountId} to assume this role, only when it presents the external ID ${ExternalId}.")

    const key = q('[data-logical-id="SddsKey"]').find('[data-testid="review-statement"]')
    expect(key.find('[data-testid="statement-resources"]').text()).toBe('*')
    expect(key.find('[data-testid="statement-principals"]').text()).toBe('Service: reports.marketplace.amazonaws.com')

    const deny = q('[data-logical-id="S3AccessPolicy"]').find('[data-testid="review-statement"]')
    expect(deny.classes()).toContain('deny')
    expect(deny.find('[data-testid="statement-effect"]').text()).toBe('Deny')
  })

  it('fills in the partner account and external ID once they are valid, without asking again', async () => {
    await open()
    const calls = backend.reviewStack.mock.calls.length
    await fillValid()
    const st = q('[data-logical-id="PartnerRole"] [data-testid="statement-text"]')
    expect(st.text()).toBe("Allows the partner's AWS account 210987654321 to assume this role, only when it presents the external ID partner-ext-1.")
    expect(backend.reviewStack.mock.calls.length).toBe(calls)
    // The review was asked for with stand-ins, never with what is being typed.
    expect(backend.reviewStack.mock.calls[0]![0]).toMatchObject({ partnerAccountId: PLACEHOLDER_ACCOUNT, externalId: PLACEHOLDER_EXTERNAL_ID })
  })

  it('is fetched again when the report URL or least privilege changes', async () => {
    await open()
    backend.reviewStack.mockClear()
    await type('param-report-url', 'https://partner.example/report')
    expect(backend.reviewStack).toHaveBeenCalledTimes(1)
    expect(backend.reviewStack.mock.calls[0]![0]).toMatchObject({ reportUrl: 'https://partner.example/report', leastPrivilege: false })
    expect(wrapper!.findAll('[data-testid="review-resource"][data-skipped="true"]')).toHaveLength(0)

    await q('[data-testid="param-least-privilege"]').trigger('click')
    await settle()
    expect(backend.reviewStack).toHaveBeenCalledTimes(2)
    expect(backend.reviewStack.mock.calls[1]![0]).toMatchObject({ leastPrivilege: true })
    expect(q('[data-logical-id="MarketplaceAccessPolicy"] [data-testid="statement-actions"]').text()).toContain('aws-marketplace:DescribeEntity')
  })

  it('describes the stack with a report URL while the URL typed is not valid yet', async () => {
    await open()
    backend.reviewStack.mockClear()
    await type('param-report-url', 'https://')
    expect(backend.reviewStack.mock.calls[0]![0].reportUrl).toMatch(/^https:\/\/\S+/)
    expect(wrapper!.findAll('[data-testid="review-resource"][data-skipped="true"]')).toHaveLength(0)
  })

  it('says when the template cannot be described, and tries again', async () => {
    backend.reviewStack.mockRejectedValueOnce('template: resources without Metadata.SellerDesk Title and Why: X')
    await open()
    expect(q('[data-testid="review-error"]').text()).toContain('resources without Metadata.SellerDesk Title and Why: X')
    await q('[data-testid="review-error"] button').trigger('click')
    await flushPromises()
    expect(q('[data-testid="review-error"]').exists()).toBe(false)
    expect(q('[data-testid="review"]').exists()).toBe(true)
  })

  it('shows the template text with a copy button', async () => {
    await open()
    await q('[data-testid="view-template"]').trigger('click')
    await flushPromises()
    const body = document.body.querySelector('[data-testid="template-body"]')
    expect(body?.textContent).toContain('AWSTemplateFormatVersion')
    expect(backend.templateBody).toHaveBeenCalledTimes(1)
    expect(document.body.querySelector('[data-testid="template-dialog"] [data-testid="copy-button"]')).not.toBeNull()
  })
})

describe('launch form for a Retry', () => {
  async function openRetry() {
    const pinia = createPinia()
    setActivePinia(pinia)
    useSessionStore().conn = sandboxState()
    const store = useOnboardingStore()
    store.view = stackView(record('error'))
    await store.retry()
    wrapper = mount(LaunchPanel, { attachTo: document.body, global: { plugins: [pinia] } })
    await settle()
    return store
  }

  it("holds the failed attempt's values, says what failed and marks the field it points at", async () => {
    await openRetry()
    expect(q('[data-testid="retry-problem"]').text()).toMatch(/CAS bucket name is taken/)
    expect(input('param-partner-account').element.value).toBe('210987654321')
    expect(input('param-external-id').element.value).toBe('ext-1')
    // The bucket names are unfolded, and the CAS one is marked.
    expect(q('[data-testid="pointed-casBucketName"]').exists()).toBe(true)
    expect(q('[data-testid="pointed-sddsBucketName"]').exists()).toBe(false)
    expect(createButton().text()).toBe('Delete and create again')
    await type('param-cas-bucket', 'acme-cas-reports')
    expect(q('[data-testid="pointed-casBucketName"]').exists()).toBe(false)
  })

  it('checks the changed field before anything is deleted, then retries with it', async () => {
    await openRetry()
    await type('param-cas-bucket', 'Bad_Name')
    await tick()
    expect(problem('casBucketName')).not.toBe('')
    expect(createButton().attributes('disabled')).toBeDefined()
    await type('param-cas-bucket', 'acme-cas-reports')
    expect(createButton().attributes('disabled')).toBeUndefined()
    await createButton().trigger('click')
    await flushPromises()
    expect(backend.launchStack).not.toHaveBeenCalled()
    expect(backend.retryStack).toHaveBeenCalledWith(expect.objectContaining({ casBucketName: 'acme-cas-reports', externalId: 'ext-1', acknowledged: true }))
  })
})
