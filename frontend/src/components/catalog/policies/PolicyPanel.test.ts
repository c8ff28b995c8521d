import { DOMWrapper, flushPromises, mount } from '@vue/test-utils'
import { NSelect } from 'naive-ui'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LintView, PatternView, PolicyRequest } from '@/api/catalogTypes'
import { useCatalogStore } from '@/stores/catalog'
import { usePoliciesStore } from '@/stores/policies'
import { backend, entitiesView, entity, events, resetSeam } from '@/test/seam'
import PolicyPanel from './PolicyPanel.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

const PATTERNS: PatternView[] = [
  { id: 'all-resources', description: 'StartChangeSet on all resources', usesEntities: false, usesChangeTypes: false, usesTag: false, defaultActions: ['aws-marketplace:StartChangeSet'] },
  { id: 'change-type', description: 'StartChangeSet on specific entities, only for the given change types', usesEntities: true, usesChangeTypes: true, usesTag: false, defaultActions: ['aws-marketplace:StartChangeSet'] },
  { id: 'start-by-tag', description: 'StartChangeSet (with TagResource) on entities carrying a tag', usesEntities: false, usesChangeTypes: false, usesTag: true, defaultActions: ['aws-marketplace:StartChangeSet', 'aws-marketplace:TagResource'] },
]

/** A Go-like Build: the guide's start-by-tag document, or a refusal naming the missing value. */
function build(req: PolicyRequest) {
  if (req.pattern === 'start-by-tag' && !req.tagKey) throw new Error('policy: start-by-tag needs a tag key')
  if (req.tagKey.includes('#')) throw new Error(`policy: tag key "${req.tagKey}" may contain only letters, numbers, spaces and _ . : / = + - @`)
  const condition = req.tagKey ? `, "Condition": { "StringEquals": { "aws:ResourceTag/${req.tagKey}": "${req.tagValue}" } }` : ''
  const actions = req.pattern === 'start-by-tag' ? '"aws-marketplace:StartChangeSet", "aws-marketplace:TagResource"' : '"aws-marketplace:StartChangeSet"'
  return `{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": [ ${actions} ], "Resource": "*"${condition} } ] }`
}

const OK: LintView = { findings: [], hasErrors: false, parseError: '' }
/** A Go-like Lint: a tag condition without TagResource is an error; broken JSON is a parse error. */
function lint(doc: string): LintView {
  try {
    JSON.parse(doc)
  } catch {
    return { findings: [], hasErrors: true, parseError: 'policy: unexpected end of JSON input' }
  }
  if (doc.includes('aws:ResourceTag') && !doc.includes('TagResource')) {
    return { hasErrors: true, parseError: '', findings: [
      { rule: 'tag-condition-needs-tagresource', severity: 'error', statement: 1, sid: 'StartTagged', message: 'StartChangeSet is allowed under an aws:ResourceTag condition but TagResource is not', fix: 'add "aws-marketplace:TagResource" to Action of this statement' },
      { rule: 'api-only', severity: 'info', statement: 0, sid: '', message: 'Resource-level permissions work only through the Catalog API', fix: '' },
    ] }
  }
  if (doc.includes('aws:ResourceTag')) {
    return { hasErrors: false, parseError: '', findings: [
      { rule: 'api-only', severity: 'info', statement: 1, sid: '', message: 'resource-level permissions and condition keys on StartChangeSet are only supported through the Catalog API', fix: 'use the Catalog API for these changes' },
    ] }
  }
  return OK
}

let wrapper: ReturnType<typeof mount> | null = null

async function settle() {
  await vi.advanceTimersByTimeAsync(300)
  await flushPromises()
}

async function open() {
  const pinia = createPinia()
  setActivePinia(pinia)
  wrapper = mount(PolicyPanel, { attachTo: document.body, global: { plugins: [pinia] } })
  await settle()
  return { w: wrapper, store: usePoliciesStore() }
}

const q = (sel: string) => wrapper!.find(sel)
const tid = (id: string) => q(`[data-testid="${id}"]`)
const field = (id: string) => q(`[data-testid="${id}"] input`) as DOMWrapper<HTMLInputElement>
const json = () => q('[data-testid="policy-json"] textarea') as DOMWrapper<HTMLTextAreaElement>
const createButton = () => tid('policy-create')

async function pickPattern(id: string) {
  wrapper!.findComponent<typeof NSelect>('[data-testid="policy-pattern"]').vm.$emit('update:value', id)
  await settle()
}

async function tagPolicy() {
  await pickPattern('start-by-tag')
  await field('policy-tag-key').setValue('product-team')
  await field('policy-tag-value').setValue('team-xyz')
  await settle()
  await settle()
}

beforeEach(() => {
  vi.useFakeTimers()
  resetSeam()
  backend.policyPatterns.mockResolvedValue(PATTERNS)
  backend.buildPolicy.mockImplementation(async (req) => {
    const text = build(req)
    return { json: text, lint: lint(text) }
  })
  backend.lintPolicy.mockImplementation(async (doc) => lint(doc))
  backend.managedPolicies.mockResolvedValue([
    { name: 'AWSMarketplaceSellerFullAccess', arn: 'arn:aws:iam::aws:policy/AWSMarketplaceSellerFullAccess', purpose: 'Full access to the Catalog API and more.' },
    { name: 'AWSMarketplaceSellerProductsReadOnly', arn: 'arn:aws:iam::aws:policy/AWSMarketplaceSellerProductsReadOnly', purpose: 'Read-only access.' },
  ])
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
  vi.useRealTimers()
})

describe('policy builder', () => {
  it('opens on the first pattern, with the account prefilled, and builds it', async () => {
    await open()
    expect(wrapper!.findComponent<typeof NSelect>('[data-testid="policy-pattern"]').props('options')).toEqual(PATTERNS.map((p) => ({ label: p.description, value: p.id })))
    expect(field('policy-account').element.value).toBe('123456789012')
    expect(backend.buildPolicy).toHaveBeenCalledWith(expect.objectContaining({ pattern: 'all-resources', account: '123456789012' }))
    expect(json().element.value).toContain('"aws-marketplace:StartChangeSet"')
    expect(tid('lint-ok').text()).toBe('No problems found.')
  })

  it('shows only the fields the pattern uses', async () => {
    await open()
    expect(tid('policy-tag-field').exists()).toBe(false)
    expect(tid('policy-entities-field').exists()).toBe(false)
    await pickPattern('change-type')
    expect(tid('policy-entities-field').exists()).toBe(true)
    expect(tid('policy-change-types-field').exists()).toBe(true)
    expect(tid('policy-tag-field').exists()).toBe(false)
    await pickPattern('start-by-tag')
    expect(tid('policy-entities-field').exists()).toBe(false)
    expect(tid('policy-tag-field').exists()).toBe(true)
  })

  it('asks for what a pattern needs before anything is built, without an error', async () => {
    await open()
    backend.buildPolicy.mockClear()
    await pickPattern('start-by-tag')
    expect(tid('policy-needs').text()).toBe('To build this policy, give the tag key.')
    expect(tid('policy-build-error').exists()).toBe(false)
    expect(backend.buildPolicy).not.toHaveBeenCalled()
    // The text of the previous pattern is gone, and with it its verdict.
    expect(json().element.value).toBe('')
    expect(tid('lint-ok').exists()).toBe(false)
    await pickPattern('change-type')
    expect(tid('policy-needs').text()).toMatch(/at least one entity ARN .* and at least one change type/)
  })

  it('rebuilds as you type, debounced, and shows a refusal at the form', async () => {
    await open()
    await pickPattern('start-by-tag')
    await field('policy-tag-key').setValue('bad#key')
    await settle()
    expect(tid('policy-build-error').text()).toMatch(/^The policy could not be built: policy: tag key "bad#key"/)
    expect(json().element.value).toBe('')
    expect(tid('lint-empty').text()).toMatch(/could not be built/)
    backend.buildPolicy.mockClear()
    await field('policy-tag-key').setValue('product-team')
    await field('policy-tag-value').setValue('team-xyz')
    await vi.advanceTimersByTimeAsync(100)
    expect(backend.buildPolicy).not.toHaveBeenCalled()
    await settle()
    expect(backend.buildPolicy).toHaveBeenCalledTimes(1)
    expect(backend.buildPolicy).toHaveBeenCalledWith({ pattern: 'start-by-tag', account: '123456789012', entityArns: [], changeTypes: [], tagKey: 'product-team', tagValue: 'team-xyz', actions: [] })
    expect(tid('policy-build-error').exists()).toBe(false)
    expect(json().element.value).toContain('aws:ResourceTag/product-team')
    // A note is not a problem.
    expect(tid('lint-ok').text()).toBe('No problems found; a note below.')
    expect(wrapper!.findAll('[data-testid="lint-finding"]').map((f) => f.attributes('data-severity'))).toEqual(['info'])
  })

  it('gives no verdict on the old text while a rebuild is due', async () => {
    await open()
    await tagPolicy()
    expect(tid('lint-ok').exists()).toBe(true)
    await field('policy-tag-value').setValue('team-abc')
    await flushPromises()
    expect(tid('lint-ok').exists()).toBe(false)
    expect(tid('lint-checking').exists()).toBe(true)
    await settle()
    expect(json().element.value).toContain('"team-abc"')
    expect(tid('lint-ok').exists()).toBe(true)
  })

  it('takes the entities selected in the Entities tab', async () => {
    const list = [entity('SaaSProduct', 1), entity('AmiProduct', 2)]
    backend.catalogEntities.mockResolvedValue(entitiesView(list))
    await open()
    await pickPattern('change-type')
    usePoliciesStore().form.changeTypes = ['UpdateInformation']
    expect(tid('policy-use-selected').attributes('disabled')).toBeDefined()
    const catalog = useCatalogStore()
    await catalog.init()
    catalog.toggle(list[0]!.arn)
    catalog.toggle(list[1]!.arn)
    await flushPromises()
    expect(tid('policy-use-selected').attributes('disabled')).toBeUndefined()
    await tid('policy-use-selected').trigger('click')
    await settle()
    expect((q('[data-testid="policy-entity-arns"] textarea').element as HTMLTextAreaElement).value).toBe(`${list[0]!.arn}\n${list[1]!.arn}`)
    expect(backend.buildPolicy).toHaveBeenLastCalledWith(expect.objectContaining({ pattern: 'change-type', entityArns: [list[0]!.arn, list[1]!.arn] }))
  })
})

describe('lint', () => {
  it('lints a hand edit and shows each finding: severity, statement, message and fix', async () => {
    await open()
    await tagPolicy()
    expect(tid('lint-ok').exists()).toBe(true)
    backend.lintPolicy.mockClear()
    await json().setValue(json().element.value.replace(', "aws-marketplace:TagResource"', ''))
    expect(tid('lint-ok').exists()).toBe(false) // not for the old text
    expect(tid('lint-checking').exists()).toBe(true)
    await settle()
    expect(backend.lintPolicy).toHaveBeenCalledTimes(1)
    const items = wrapper!.findAll('[data-testid="lint-finding"]')
    expect(items).toHaveLength(2)
    expect(items[0]!.text()).toContain('error')
    expect(items[0]!.text()).toContain('Statement 1 (StartTagged)')
    expect(items[0]!.text()).toContain('TagResource is not')
    expect(items[0]!.text()).toContain('Fix: add "aws-marketplace:TagResource" to Action of this statement')
    expect(items[1]!.text()).toContain('Whole document')
    expect(tid('lint-findings').exists()).toBe(true)
    expect(tid('lint-summary').text()).toContain('1 error, 1 note')
  })

  it('shows a parse error prominently', async () => {
    await open()
    await json().setValue('{ "Statement": [')
    await settle()
    expect(tid('lint-parse-error').text()).toContain('policy: unexpected end of JSON input')
    expect(tid('lint-findings').exists()).toBe(false)
    expect(tid('lint-ok').exists()).toBe(false)
  })
})

describe('use the policy', () => {
  it('refuses Create in IAM while the lint finds errors, and says why', async () => {
    await open()
    await tagPolicy()
    await field('policy-name').setValue('CatalogStartByTeam')
    await flushPromises()
    expect(createButton().attributes('disabled')).toBeUndefined()
    await json().setValue(json().element.value.replace(', "aws-marketplace:TagResource"', ''))
    await settle()
    expect(createButton().attributes('disabled')).toBeDefined()
    expect(tid('policy-create-hint').text()).toMatch(/^The lint found an error: fix it first/)
    await createButton().trigger('click')
    await flushPromises()
    expect(backend.createPolicy).not.toHaveBeenCalled()
  })

  it('asks for a name before creating', async () => {
    await open()
    expect(createButton().attributes('disabled')).toBeDefined()
    expect(tid('policy-create-hint').text()).toBe('Enter a policy name.')
  })

  it('creates the policy attached to a role and shows what IAM did', async () => {
    backend.principals.mockResolvedValue([
      { kind: 'role', name: 'CatalogEditors', arn: 'arn:aws:iam::123456789012:role/CatalogEditors' },
      { kind: 'user', name: 'alice', arn: 'arn:aws:iam::123456789012:user/alice' },
    ])
    backend.createPolicy.mockResolvedValue({ policyArn: 'arn:aws:iam::123456789012:policy/CatalogStartByTeam', action: 'created', attachedTo: 'arn:aws:iam::123456789012:role/CatalogEditors', attachAction: 'attached', message: 'Created the policy CatalogStartByTeam and attached it to role CatalogEditors.' })
    await open()
    await tagPolicy()
    const attach = wrapper!.findComponent<typeof NSelect>('[data-testid="policy-attach"]')
    const groups = attach.props('options') as Array<{ label: string; children: Array<{ value: string }> }>
    expect(groups.map((g) => [g.label, g.children.map((c) => c.value)])).toEqual([
      ['Roles', ['arn:aws:iam::123456789012:role/CatalogEditors']],
      ['Users', ['arn:aws:iam::123456789012:user/alice']],
    ])
    attach.vm.$emit('update:value', 'arn:aws:iam::123456789012:role/CatalogEditors')
    await field('policy-name').setValue('CatalogStartByTeam')
    await q('[data-testid="policy-deploy"] form').trigger('submit')
    await flushPromises()
    expect(backend.createPolicy).toHaveBeenCalledTimes(1)
    expect(backend.createPolicy).toHaveBeenCalledWith('CatalogStartByTeam', json().element.value,
      { kind: 'role', name: 'CatalogEditors', arn: 'arn:aws:iam::123456789012:role/CatalogEditors' })
    expect(tid('policy-create-result').text()).toContain('Created the policy CatalogStartByTeam and attached it to role CatalogEditors.')
    expect(tid('policy-create-action').text()).toBe('created')
    expect(tid('policy-attach-action').text()).toContain('attached')
  })

  it('shows a refused create with the Go words, keeping the form', async () => {
    backend.createPolicy.mockRejectedValue(new Error('the policy breaks 1 rule(s) of the guide (see the lint); fix them before creating it'))
    await open()
    await field('policy-name').setValue('P')
    await flushPromises()
    await createButton().trigger('click')
    await flushPromises()
    expect(tid('policy-create-error').text()).toContain('the policy breaks 1 rule(s) of the guide (see the lint); fix them before creating it')
    expect(field('policy-name').element.value).toBe('P')
  })

  it('copies the text and saves it to a file, showing where', async () => {
    backend.savePolicy.mockResolvedValueOnce('/home/u/catalog-policy.json').mockResolvedValueOnce('')
    await open()
    await tid('policy-copy').find('button').trigger('click')
    expect(events.copyText).toHaveBeenCalledWith(json().element.value)
    await tid('policy-save').trigger('click')
    await flushPromises()
    expect(backend.savePolicy).toHaveBeenCalledWith(json().element.value, '')
    expect(tid('policy-saved').text()).toBe('Saved to /home/u/catalog-policy.json')
    await tid('policy-save').trigger('click')
    await flushPromises()
    expect(tid('policy-saved').exists()).toBe(false)
  })

  it('lists the managed policies with their ARNs to copy', async () => {
    await open()
    const items = wrapper!.findAll('[data-testid="managed-policy"]')
    expect(items).toHaveLength(2)
    expect(items[0]!.text()).toContain('AWSMarketplaceSellerFullAccess')
    expect(items[0]!.text()).toContain('Full access to the Catalog API and more.')
    await items[1]!.find('[data-testid="copy-button"]').trigger('click')
    expect(events.copyText).toHaveBeenCalledWith('arn:aws:iam::aws:policy/AWSMarketplaceSellerProductsReadOnly')
  })
})
