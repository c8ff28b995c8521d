import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { BuiltPolicy, LintView, PatternView } from '@/api/catalogTypes'
import { backend, entitiesView, entity, resetSeam } from '@/test/seam'
import { useCatalogStore } from './catalog'
import { asList, lines, policyRequest, usePoliciesStore } from './policies'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((res) => (resolve = res))
  return { promise, resolve }
}

const PATTERNS: PatternView[] = [
  { id: 'all-resources', description: 'StartChangeSet on all resources', usesEntities: false, usesChangeTypes: false, usesTag: false, defaultActions: ['aws-marketplace:StartChangeSet'] },
  { id: 'change-type', description: 'StartChangeSet on specific entities, only for the given change types', usesEntities: true, usesChangeTypes: true, usesTag: false, defaultActions: ['aws-marketplace:StartChangeSet'] },
  { id: 'start-by-tag', description: 'StartChangeSet (with TagResource) on entities carrying a tag', usesEntities: false, usesChangeTypes: false, usesTag: true, defaultActions: ['aws-marketplace:StartChangeSet', 'aws-marketplace:TagResource'] },
]

const ok: LintView = { findings: [], hasErrors: false, parseError: '' }
const broken: LintView = {
  findings: [{ rule: 'tag-condition-needs-tagresource', severity: 'error', statement: 1, sid: '', message: 'StartChangeSet is allowed under an aws:ResourceTag condition but TagResource is not', fix: 'add "aws-marketplace:TagResource" to Action of this statement' }],
  hasErrors: true, parseError: '',
}

beforeEach(() => {
  resetSeam()
  setActivePinia(createPinia())
  backend.policyPatterns.mockResolvedValue(PATTERNS)
  backend.managedPolicies.mockResolvedValue([{ name: 'AWSMarketplaceSellerFullAccess', arn: 'arn:aws:iam::aws:policy/AWSMarketplaceSellerFullAccess', purpose: 'Full access' }])
  backend.buildPolicy.mockImplementation(async (req) => ({ json: `{"pattern":"${req.pattern}"}`, lint: ok }))
})

describe('policies store', () => {
  it('loads the patterns, the account and the advice once, and picks the first pattern', async () => {
    const s = usePoliciesStore()
    await s.init()
    await s.init()
    expect(backend.policyPatterns).toHaveBeenCalledTimes(1)
    expect(s.form.pattern).toBe('all-resources')
    expect(s.form.account).toBe('123456789012')
    expect(s.managed).toHaveLength(1)
  })

  it('keeps an account already typed', async () => {
    const s = usePoliciesStore()
    s.form.account = '210987654321'
    await s.init()
    expect(s.form.account).toBe('210987654321')
  })

  it('builds with only the fields the pattern uses, and keeps the lint that came with it', async () => {
    const s = usePoliciesStore()
    await s.init()
    Object.assign(s.form, { pattern: 'start-by-tag', tagKey: 'product-team', tagValue: 'team-xyz', entityArns: 'arn:x\n', changeTypes: ['UpdateInformation'] })
    expect(await s.build()).toBe(true)
    expect(backend.buildPolicy).toHaveBeenLastCalledWith({ pattern: 'start-by-tag', account: '123456789012', entityArns: [], changeTypes: [], tagKey: 'product-team', tagValue: 'team-xyz', actions: [] })
    expect(s.json).toBe('{"pattern":"start-by-tag"}')
    expect(s.currentLint).toEqual(ok)
    expect(s.lintPending).toBe(false)
  })

  it('clears the text of another form when Build refuses, and says why', async () => {
    const s = usePoliciesStore()
    await s.init()
    await s.build()
    expect(s.currentLint).toEqual(ok)
    backend.buildPolicy.mockRejectedValueOnce(new Error('policy: tag key "bad#" is not valid'))
    s.form.pattern = 'start-by-tag'
    s.form.tagKey = 'bad#'
    // The text on screen is the old form's: no verdict on it while the build is due.
    expect(s.buildPending).toBe(true)
    expect(s.currentLint).toBeNull()
    expect(s.createBlocker).toMatch(/^Checking/)
    expect(await s.build()).toBe(false)
    expect(s.buildError).toBe('policy: tag key "bad#" is not valid')
    expect(s.buildPending).toBe(false)
    expect(s.json).toBe('')
    expect(s.currentLint).toBeNull()
    expect(s.createBlocker).toMatch(/could not be built/)
    s.form.tagKey = 'product-team'
    expect(s.buildPending).toBe(true)
    await s.build()
    expect(s.buildError).toBeNull()
    expect(s.json).toBe('{"pattern":"start-by-tag"}')
    expect(s.currentLint).toEqual(ok)
  })

  it('does not call Build while the pattern lacks an input, and says what it needs', async () => {
    const s = usePoliciesStore()
    await s.init()
    backend.buildPolicy.mockClear()
    s.form.pattern = 'start-by-tag'
    expect(await s.build()).toBe(false)
    expect(backend.buildPolicy).not.toHaveBeenCalled()
    expect(s.buildError).toBeNull()
    expect(s.missing).toEqual(['the tag key'])
    expect(s.buildPending).toBe(false)
    expect(s.createBlocker).toMatch(/^To build this policy, give the tag key/)
  })

  it('lints hand edits; the lint of an older text never lands on a newer one', async () => {
    const s = usePoliciesStore()
    const first = deferred<LintView>()
    backend.lintPolicy.mockReturnValueOnce(first.promise).mockResolvedValueOnce(broken)
    s.json = '{"a":1}'
    expect(s.lintPending).toBe(true)
    expect(s.currentLint).toBeNull()
    const a = s.lintNow()
    s.json = '{"b":2}'
    await s.lintNow()
    first.resolve(ok)
    expect(await a).toBe(false)
    expect(s.currentLint).toEqual(broken)
    expect(s.lintErrors).toBe(1)
  })

  it('a build replaces a lint still running', async () => {
    const s = usePoliciesStore()
    await s.init()
    const slow = deferred<LintView>()
    backend.lintPolicy.mockReturnValueOnce(slow.promise)
    s.json = 'hand edit'
    const p = s.lintNow()
    await s.build()
    slow.resolve(broken)
    await p
    expect(s.currentLint).toEqual(ok)
    expect(s.busy.lint).toBe(false)
  })

  it('refuses to create while the lint finds errors, and says what is missing', async () => {
    const s = usePoliciesStore()
    await s.init()
    expect(s.createBlocker).toBe('Build or paste a policy first.')
    backend.buildPolicy.mockResolvedValueOnce({ json: '{"x":1}', lint: broken } as BuiltPolicy)
    await s.build()
    s.createName = 'CatalogStart'
    expect(s.createBlocker).toMatch(/^The lint found an error/)
    expect(await s.create()).toBe(false)
    expect(backend.createPolicy).not.toHaveBeenCalled()

    backend.lintPolicy.mockResolvedValueOnce({ findings: [], hasErrors: true, parseError: 'policy: not JSON' })
    s.json = '{'
    expect(s.createBlocker).toMatch(/^Checking/)
    await s.lintNow()
    expect(s.createBlocker).toMatch(/not a policy document/)

    await s.build()
    s.createName = ' '
    expect(s.createBlocker).toBe('Enter a policy name.')
  })

  it('creates the policy, attached to the principal picked', async () => {
    backend.principals.mockResolvedValue([{ kind: 'role', name: 'Eng', arn: 'arn:aws:iam::123456789012:role/Eng' }])
    backend.createPolicy.mockResolvedValue({ policyArn: 'arn:aws:iam::123456789012:policy/CatalogStart', action: 'created', attachedTo: 'arn:aws:iam::123456789012:role/Eng', attachAction: 'attached', message: 'Created CatalogStart and attached it to role Eng.' })
    const s = usePoliciesStore()
    await s.init()
    await s.build()
    await s.loadPrincipals()
    s.createName = ' CatalogStart '
    s.attachTo = 'arn:aws:iam::123456789012:role/Eng'
    expect(await s.create()).toBe(true)
    expect(backend.createPolicy).toHaveBeenCalledWith('CatalogStart', '{"pattern":"all-resources"}', { kind: 'role', name: 'Eng', arn: 'arn:aws:iam::123456789012:role/Eng' })
    expect(s.createResult?.message).toBe('Created CatalogStart and attached it to role Eng.')

    s.attachTo = null
    backend.createPolicy.mockRejectedValueOnce(new Error('creating policy CatalogStart: AccessDenied'))
    expect(await s.create()).toBe(false)
    expect(backend.createPolicy).toHaveBeenLastCalledWith('CatalogStart', '{"pattern":"all-resources"}', null)
    expect(s.errors.create).toBe('creating policy CatalogStart: AccessDenied')
    expect(s.createName).toBe(' CatalogStart ')
  })

  it('saves to a file and shows the path; a cancelled save shows nothing', async () => {
    const s = usePoliciesStore()
    await s.init()
    await s.build()
    backend.savePolicy.mockResolvedValueOnce('/home/u/catalog-policy.json')
    expect(await s.save()).toBe(true)
    expect(backend.savePolicy).toHaveBeenCalledWith('{"pattern":"all-resources"}', '')
    expect(s.savedPath).toBe('/home/u/catalog-policy.json')
    backend.savePolicy.mockResolvedValueOnce('')
    expect(await s.save()).toBe(false)
    expect(s.savedPath).toBeNull()
    expect(s.errors.save).toBeUndefined()
    backend.savePolicy.mockRejectedValueOnce(new Error('not saved: policy: unexpected end of JSON input'))
    await s.save()
    expect(s.errors.save).toBe('not saved: policy: unexpected end of JSON input')
  })

  it('takes the entities selected in the catalog', async () => {
    const list = [entity('SaaSProduct', 1), entity('SaaSProduct', 2)]
    backend.catalogEntities.mockResolvedValue(entitiesView(list))
    const catalog = useCatalogStore()
    await catalog.init()
    catalog.toggle(list[0]!.arn)
    catalog.toggle(list[1]!.arn)
    const s = usePoliciesStore()
    s.form.entityArns = 'old'
    expect(s.takeSelectedEntities()).toBe(2)
    expect(lines(s.form.entityArns)).toEqual([list[0]!.arn, list[1]!.arn])
  })

  it('puts the resale role in place and tells what it did', async () => {
    backend.ensureResaleRole.mockResolvedValueOnce({ report: { policyArn: 'p', roleArn: 'r', steps: [{ name: 'Role FullResaleAuthorizationAccess', action: 'created', detail: '' }] }, inPlace: false, message: 'Done: the role and its policy now match the guide.' })
      .mockResolvedValueOnce({ report: { policyArn: 'p', roleArn: 'r', steps: [] }, inPlace: true, message: 'Already in place: the role and its policy match the guide.' })
    const s = usePoliciesStore()
    await s.ensureResale()
    expect(s.resale?.message).toMatch(/^Done/)
    await s.ensureResale()
    expect(s.resale?.message).toMatch(/^Already in place/)
    backend.ensureResaleRole.mockRejectedValueOnce(new Error('putting the resale authorization role in place: AccessDenied'))
    expect(await s.ensureResale()).toBe(false)
    expect(s.errors.resale).toBe('putting the resale authorization role in place: AccessDenied')
    expect(s.resale).toBeNull()
  })

  it('reads the console steps and the resale policy once', async () => {
    backend.resaleSteps.mockResolvedValue(['one', 'two'])
    const s = usePoliciesStore()
    await s.loadResaleInfo()
    await s.loadResaleInfo()
    expect(backend.resaleSteps).toHaveBeenCalledTimes(1)
    expect(s.resaleSteps).toEqual(['one', 'two'])
    expect(s.resaleDocs).toEqual({ policy: '{}', trust: '{}' })
  })
})

describe('policy helpers', () => {
  it('sends only the fields a pattern uses', () => {
    const form = { pattern: 'change-type', account: ' 123456789012 ', entityArns: ' a \n\n b ', changeTypes: [' UpdateInformation ', ''], tagKey: 'k', tagValue: 'v', actions: [' StartChangeSet'] }
    expect(policyRequest(form, PATTERNS[1]!)).toEqual({ pattern: 'change-type', account: '123456789012', entityArns: ['a', 'b'], changeTypes: ['UpdateInformation'], tagKey: '', tagValue: '', actions: ['StartChangeSet'] })
  })

  it('reads a selection kept as a Set or an array', () => {
    expect(asList(new Set(['a']))).toEqual(['a'])
    expect(asList(['b'])).toEqual(['b'])
    expect(asList(undefined)).toEqual([])
  })
})
