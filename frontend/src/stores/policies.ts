// The policies store: the Catalog API access-policy builder (the guide's
// patterns), the lint of the policy text, saving it, creating it in IAM, and
// the Resale Authorization role. The Go Policies service builds, lints and
// deploys; this store keeps the form, the text and the results, so nothing
// typed is lost when a call fails.
import { defineStore } from 'pinia'
import { computed, reactive, ref, watch } from 'vue'
import * as backend from '@/api/backend'
import type { AdviceView, DeployResult, LintView, PatternView, PolicyRequest, Principal, ResaleView } from '@/api/backend'
import { useCatalogStore } from './catalog'
import { useSessionStore } from './session'

export type PolicyAction = 'load' | 'build' | 'lint' | 'save' | 'principals' | 'create' | 'resale' | 'resaleInfo'

/** The builder form, as typed. */
export interface PolicyForm {
  pattern: string
  account: string
  /** Entity ARNs, one per line. */
  entityArns: string
  changeTypes: string[]
  tagKey: string
  tagValue: string
  /** Replaces the pattern's default actions when not empty. */
  actions: string[]
}

/** Non-empty trimmed lines of a text. */
export function lines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
}

/** The Build request for a form: only the fields the pattern uses are sent (Go refuses the others). */
export function policyRequest(form: PolicyForm, p: PatternView | null): PolicyRequest {
  return {
    pattern: form.pattern,
    account: form.account.trim(),
    entityArns: p?.usesEntities ? lines(form.entityArns) : [],
    changeTypes: p?.usesChangeTypes ? form.changeTypes.map((t) => t.trim()).filter(Boolean) : [],
    tagKey: p?.usesTag ? form.tagKey : '',
    tagValue: p?.usesTag ? form.tagValue : '',
    actions: form.actions.map((a) => a.trim()).filter(Boolean),
  }
}

/**
 * What the pattern needs that the form does not have yet, in the words of the
 * form's labels; empty when it can be built. Nothing is sent to Go (and no
 * error shown) until these are given.
 */
export function missingInputs(r: PolicyRequest, p: PatternView | null): string[] {
  if (!p) return []
  const out: string[] = []
  if (p.usesEntities && r.entityArns.length === 0) out.push('at least one entity ARN (or “Use selected entities”)')
  if (p.usesChangeTypes && r.changeTypes.length === 0) out.push('at least one change type (for example UpdateInformation)')
  if (p.usesTag && !r.tagKey.trim()) out.push('the tag key')
  return out
}

/** Whatever the catalog store keeps its selection as (a Set or an array), as an array. */
export function asList(v: unknown): string[] {
  if (v instanceof Set) return [...v].map(String)
  if (Array.isArray(v)) return v.map(String)
  return []
}

export function errorCount(l: LintView | null): number {
  return l ? l.findings.filter((f) => f.severity === 'error').length : 0
}

export const usePoliciesStore = defineStore('policies', () => {
  const patterns = ref<PatternView[]>([])
  const managed = ref<AdviceView[]>([])
  const form = reactive<PolicyForm>({ pattern: '', account: '', entityArns: '', changeTypes: [], tagKey: '', tagValue: '', actions: [] })
  /** The policy text on screen: built, or edited by hand. */
  const json = ref('')
  const lint = ref<LintView | null>(null)
  /** The text `lint` belongs to; differs from json while a lint is due. */
  const lintedText = ref<string | null>(null)
  const buildError = ref<string | null>(null)
  /** The request the text was last built from, and the last one Build refused. */
  const builtKey = ref<string | null>(null)
  const failedKey = ref<string | null>(null)
  const savedPath = ref<string | null>(null)
  const createName = ref('')
  /** ARN of the role or user to attach to; null: none. */
  const attachTo = ref<string | null>(null)
  const principals = ref<Principal[]>([])
  const principalsLoaded = ref(false)
  const createResult = ref<DeployResult | null>(null)
  const resale = ref<ResaleView | null>(null)
  const resaleSteps = ref<string[]>([])
  const resaleDocs = ref<{ policy: string; trust: string } | null>(null)
  const busy = reactive<Record<PolicyAction, boolean>>({ load: false, build: false, lint: false, save: false, principals: false, create: false, resale: false, resaleInfo: false })
  /** The Go error text of the last failed call of each action. */
  const errors = reactive<Partial<Record<PolicyAction, string>>>({})

  let buildSeq = 0
  let lintSeq = 0
  let started = false
  let resaleInfoLoaded = false
  let stopWatch: (() => void) | null = null

  // --- getters ---
  const pattern = computed(() => patterns.value.find((p) => p.id === form.pattern) ?? null)
  const request = computed(() => policyRequest(form, pattern.value))
  const requestKey = computed(() => JSON.stringify(request.value))
  const missing = computed(() => missingInputs(request.value, pattern.value))
  /** The form changed since the text was built: a build is due, the text on screen is the old form's. */
  const buildPending = computed(() => form.pattern !== '' && requestKey.value !== builtKey.value && requestKey.value !== failedKey.value)
  /** The lint of the text on screen; null while it is being checked or rebuilt (or there is no text). */
  const currentLint = computed(() => (lintedText.value === json.value && !buildPending.value ? lint.value : null))
  const lintPending = computed(() => json.value.trim() !== '' && (lintedText.value !== json.value || buildPending.value))
  const lintErrors = computed(() => errorCount(currentLint.value))
  const selectedEntityArns = computed(() => asList(useCatalogStore().selectedArns))
  const principal = computed(() => principals.value.find((p) => p.arn === attachTo.value) ?? null)
  /** Why Create in IAM cannot run now; '' when it can. */
  const createBlocker = computed(() => {
    if (!json.value.trim()) {
      if (buildError.value) return 'The policy could not be built: fix the form above, or paste a policy.'
      if (missing.value.length) return `To build this policy, give ${missing.value.join(' and ')} above, or paste a policy.`
      return 'Build or paste a policy first.'
    }
    if (lintPending.value || !currentLint.value) return 'Checking the policy against the guide…'
    const l = currentLint.value
    if (l.parseError) return 'The text is not a policy document; fix the JSON first.'
    if (l.hasErrors) {
      const n = lintErrors.value
      return `The lint found ${n === 1 ? 'an error' : `${n} errors`}: fix ${n === 1 ? 'it' : 'them'} first, as IAM would accept a policy that does not work as the guide says.`
    }
    if (!createName.value.trim()) return 'Enter a policy name.'
    return ''
  })

  function fail(action: PolicyAction, e: unknown) {
    errors[action] = backend.errorMessage(e)
  }

  function watchTarget() {
    if (stopWatch) return
    const session = useSessionStore()
    stopWatch = watch(() => session.currentKey, (now, before) => {
      if (now && before && now !== before) void reloadForTarget()
    })
  }

  async function reloadForTarget() {
    principals.value = []
    principalsLoaded.value = false
    attachTo.value = null
    createResult.value = null
    resale.value = null
    try {
      form.account = await backend.policyAccount()
    } catch {
      // keep the account typed
    }
  }

  /** Loads the patterns, the account and the managed-policy advice (once). */
  async function init() {
    watchTarget()
    if (started) return
    started = true
    busy.load = true
    delete errors.load
    try {
      const [ps, account, advice] = await Promise.all([backend.policyPatterns(), backend.policyAccount(), backend.managedPolicies()])
      patterns.value = ps
      managed.value = advice
      if (!form.account) form.account = account
      if (!form.pattern && ps.length) form.pattern = ps[0]!.id
    } catch (e) {
      started = false
      fail('load', e)
    } finally {
      busy.load = false
    }
  }

  function unsubscribeAll() {
    stopWatch?.()
    stopWatch = null
    started = false
  }

  // --- actions ---

  /**
   * Rebuilds the policy from the form. When Build refuses, the text is
   * cleared: it was built from another form (and changing the form replaces
   * hand edits anyway), so its lint would tell about the wrong policy.
   */
  async function build(): Promise<boolean> {
    if (!form.pattern) return false
    const seq = ++buildSeq
    if (missing.value.length) {
      // Not an error: the form asks for what is missing (see missing).
      builtKey.value = requestKey.value
      failedKey.value = null
      buildError.value = null
      json.value = ''
      lint.value = null
      lintedText.value = ''
      lintSeq++
      return false
    }
    const key = requestKey.value
    busy.build = true
    try {
      const b = await backend.buildPolicy(request.value)
      if (seq !== buildSeq) return false
      builtKey.value = key
      failedKey.value = null
      json.value = b.json
      lint.value = b.lint
      lintedText.value = b.json
      lintSeq++ // a lint of older text must not land on the new one
      busy.lint = false
      buildError.value = null
      return true
    } catch (e) {
      if (seq === buildSeq) {
        buildError.value = backend.errorMessage(e)
        failedKey.value = key
        builtKey.value = null
        lintSeq++
        busy.lint = false
        json.value = ''
        lint.value = null
        lintedText.value = ''
      }
      return false
    } finally {
      if (seq === buildSeq) busy.build = false
    }
  }

  /** Lints the text on screen (as built or edited). */
  async function lintNow(): Promise<boolean> {
    const text = json.value
    const seq = ++lintSeq
    delete errors.lint
    if (!text.trim()) {
      lint.value = null
      lintedText.value = text
      busy.lint = false
      return true
    }
    busy.lint = true
    try {
      const l = await backend.lintPolicy(text)
      if (seq !== lintSeq) return false
      lint.value = l
      lintedText.value = text
      return true
    } catch (e) {
      if (seq === lintSeq) fail('lint', e)
      return false
    } finally {
      if (seq === lintSeq) busy.lint = false
    }
  }

  /** Puts the entities selected in the Entities tab into the ARN list. */
  function takeSelectedEntities(): number {
    const arns = selectedEntityArns.value
    if (arns.length) form.entityArns = arns.join('\n')
    return arns.length
  }

  /** Saves the text to a file the user picks; savedPath is '' → nothing shown when cancelled. */
  async function save(): Promise<boolean> {
    if (busy.save) return false
    busy.save = true
    delete errors.save
    savedPath.value = null
    try {
      const path = await backend.savePolicy(json.value, createName.value.trim())
      savedPath.value = path || null
      return path !== ''
    } catch (e) {
      fail('save', e)
      return false
    } finally {
      busy.save = false
    }
  }

  async function loadPrincipals(): Promise<boolean> {
    if (busy.principals) return false
    busy.principals = true
    delete errors.principals
    try {
      principals.value = await backend.principals()
      principalsLoaded.value = true
      if (attachTo.value && !principals.value.some((p) => p.arn === attachTo.value)) attachTo.value = null
      return true
    } catch (e) {
      fail('principals', e)
      return false
    } finally {
      busy.principals = false
    }
  }

  /** Creates (or updates) the policy in IAM and attaches it when a target is chosen. */
  async function create(): Promise<boolean> {
    if (busy.create || createBlocker.value) return false
    busy.create = true
    delete errors.create
    createResult.value = null
    try {
      createResult.value = await backend.createPolicy(createName.value.trim(), json.value, principal.value ? { ...principal.value } : null)
      return true
    } catch (e) {
      fail('create', e)
      return false
    } finally {
      busy.create = false
    }
  }

  /** Creates the resale role and policy, or reports them in place, or repairs them. */
  async function ensureResale(): Promise<boolean> {
    if (busy.resale) return false
    busy.resale = true
    delete errors.resale
    try {
      resale.value = await backend.ensureResaleRole()
      return true
    } catch (e) {
      resale.value = null
      fail('resale', e)
      return false
    } finally {
      busy.resale = false
    }
  }

  /** The ten console steps and the guide's policy and trust documents (once). */
  async function loadResaleInfo(): Promise<boolean> {
    if (resaleInfoLoaded || busy.resaleInfo) return resaleInfoLoaded
    busy.resaleInfo = true
    delete errors.resaleInfo
    try {
      const [steps, docs] = await Promise.all([backend.resaleSteps(), backend.resalePolicy()])
      resaleSteps.value = steps
      resaleDocs.value = docs
      resaleInfoLoaded = true
      return true
    } catch (e) {
      fail('resaleInfo', e)
      return false
    } finally {
      busy.resaleInfo = false
    }
  }

  function dismiss(action: PolicyAction) {
    delete errors[action]
  }

  return {
    patterns, managed, form, json, lint, lintedText, buildError, savedPath, createName, attachTo, principals, principalsLoaded,
    createResult, resale, resaleSteps, resaleDocs, busy, errors,
    pattern, request, missing, buildPending, currentLint, lintPending, lintErrors, selectedEntityArns, principal, createBlocker,
    init, unsubscribeAll, build, lintNow, takeSelectedEntities, save, loadPrincipals, create, ensureResale, loadResaleInfo, dismiss,
  }
})
