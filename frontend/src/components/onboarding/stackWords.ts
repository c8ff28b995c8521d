// Words and groupings for the onboarding stack: event tones, resource groups
// of the review, and the placeholders the review is fetched with.
import type { LaunchForm, ResourceSummary, StackEvent, StatementSummary, Summary } from '@/api/backend'

export type Tone = 'default' | 'info' | 'success' | 'warning' | 'error'

/** How an event status looks: failures red, rollbacks amber, completions green. */
export function eventTone(status: string): Tone {
  if (/FAILED$/.test(status)) return 'error'
  if (/ROLLBACK/.test(status)) return 'warning'
  if (status === 'DELETE_COMPLETE' || status === 'DELETE_SKIPPED') return 'default'
  if (/COMPLETE$/.test(status)) return 'success'
  if (/IN_PROGRESS$/.test(status)) return 'info'
  return 'default'
}

/** CREATE_IN_PROGRESS → "Create in progress". */
export function statusWords(status: string): string {
  if (!status) return ''
  const s = status.replace(/_/g, ' ').toLowerCase()
  return s.charAt(0).toUpperCase() + s.slice(1)
}

export function isStackEvent(e: StackEvent): boolean {
  return e.type === 'AWS::CloudFormation::Stack'
}

/** The event in one line: "CasBucket — Create failed: the reason". */
export function eventLine(e: StackEvent): string {
  const who = isStackEvent(e) ? `Stack ${e.logicalId}` : e.logicalId
  return `${who} — ${statusWords(e.status)}${e.reason ? `: ${e.reason}` : ''}`
}

/** A time of day as the user's clock shows it. */
export function clockTime(iso: string): string {
  if (!iso) return ''
  const t = new Date(iso)
  return Number.isNaN(t.getTime()) ? iso : t.toLocaleTimeString()
}

// --- the review's groups ---

export interface ResourceGroup {
  id: string
  title: string
  resources: ResourceSummary[]
}

const GROUPS: Array<{ id: string; title: string; test: (r: ResourceSummary) => boolean }> = [
  { id: 'role', title: 'Partner role and access', test: (r) => /^PartnerRole/.test(r.logicalId) },
  { id: 'queue', title: 'Notification queue', test: (r) => /Queue/.test(r.logicalId) || r.type.startsWith('AWS::SQS::') },
  { id: 'marketplace', title: 'Marketplace access', test: (r) => /^Marketplace/.test(r.logicalId) },
  { id: 'cas', title: 'CAS (Commerce Analytics Service)', test: (r) => /^(Cas|GenerateCas)/.test(r.logicalId) },
  { id: 'sdds', title: 'SDDS (Seller Data Feed Delivery Service)', test: (r) => /^Sdds/.test(r.logicalId) },
  { id: 'reports', title: 'Partner access to the CAS and SDDS reports', test: (r) => /^(AnalyticsSns|S3Access|KmsKey)/.test(r.logicalId) },
  { id: 'reporter', title: 'Reporter (one-time report to the partner)', test: (r) => /^Reporter/.test(r.logicalId) || r.type === 'AWS::Lambda::Function' },
  { id: 'other', title: 'Other resources', test: () => true },
]

/** Groups the resources in a fixed order; empty groups are left out. */
export function groupResources(resources: ResourceSummary[]): ResourceGroup[] {
  const out = GROUPS.map((g) => ({ id: g.id, title: g.title, resources: [] as ResourceSummary[] }))
  for (const r of resources) {
    const i = GROUPS.findIndex((g) => g.test(r))
    out[i]!.resources.push(r)
  }
  return out.filter((g) => g.resources.length > 0)
}

/** "only if Report URL is not empty" → "Not created with these parameters: it is created only if Report URL is not empty." */
export function skippedWords(r: ResourceSummary): string {
  return r.when ? `Not created with these parameters: it is created ${r.when}.` : 'Not created with these parameters.'
}

// --- review placeholders ---
//
// Onboarding.Review validates the parameters it describes, so the review is
// fetched with stand-ins for the partner account and external ID (and for a
// report URL that is still being typed), then the stand-ins are shown as the
// form's values, or as ${Parameter} while those are not valid yet. The review
// then follows the form without a call per keystroke.

export const PLACEHOLDER_ACCOUNT = '000000000000'
export const PLACEHOLDER_EXTERNAL_ID = 'sellerdesk-review-external-id'
export const PLACEHOLDER_REPORT_URL = 'https://sellerdesk-review.invalid/report'

const ACCOUNT_RE = /^\d{12}$/
const EXTERNAL_ID_RE = /^[\w+=,.@:/-]{2,1224}$/
const REPORT_URL_RE = /^https:\/\/[^\s/?#]+\S*$/

/** The form sent to Review: only what changes which resources and statements there are. */
export function reviewRequest(f: LaunchForm, urlRejected = false): LaunchForm {
  const url = f.reportUrl.trim()
  return {
    // The stack name resolves ${AWS::StackName} in the review (Go ignores an invalid one).
    stackName: f.stackName.trim(),
    partnerAccountId: PLACEHOLDER_ACCOUNT,
    externalId: PLACEHOLDER_EXTERNAL_ID,
    reportUrl: url && (urlRejected || !REPORT_URL_RE.test(url) || url.length > 2048) ? PLACEHOLDER_REPORT_URL : url,
    leastPrivilege: f.leastPrivilege,
    casBucketName: f.casBucketName.trim(),
    sddsBucketName: f.sddsBucketName.trim(),
    acknowledged: false,
  }
}

/** Replaces the stand-ins in one text with the form's values. */
export function presenter(f: LaunchForm): (s: string) => string {
  const acct = f.partnerAccountId.trim()
  const ext = f.externalId.trim()
  const url = f.reportUrl.trim()
  const pairs: Array<[string, string]> = [
    [PLACEHOLDER_ACCOUNT, ACCOUNT_RE.test(acct) ? acct : '${PartnerAccountId}'],
    [PLACEHOLDER_EXTERNAL_ID, EXTERNAL_ID_RE.test(ext) ? ext : '${ExternalId}'],
    [PLACEHOLDER_REPORT_URL, url || '${ReportUrl}'],
  ]
  return (s) => pairs.reduce((acc, [from, to]) => acc.split(from).join(to), s)
}

function presentStatement(st: StatementSummary, p: (s: string) => string): StatementSummary {
  const l = (v?: string[]) => v?.map(p)
  return {
    ...st, when: st.when && p(st.when), text: p(st.text), actions: l(st.actions), notActions: l(st.notActions),
    resources: l(st.resources), notResources: l(st.notResources), principals: l(st.principals), conditions: l(st.conditions),
  }
}

/** The review with the form's values in place of the stand-ins. */
export function presentSummary(s: Summary, f: LaunchForm): Summary {
  const p = presenter(f)
  return {
    ...s,
    resources: s.resources.map((r) => ({
      ...r, name: r.name && p(r.name), why: p(r.why), managedPolicies: r.managedPolicies?.map(p),
      statements: r.statements?.map((st) => presentStatement(st, p)),
    })),
    outputs: s.outputs.map((o) => ({ ...o, value: p(o.value) })),
    parameters: s.parameters.map((x) => ({ ...x, value: x.value === undefined ? undefined : p(x.value) })),
  }
}

/** The acknowledgement the launch form asks for (CAPABILITY_NAMED_IAM). */
export const ACK_TEXT = 'I acknowledge that this stack creates IAM roles and policies with custom names (CAPABILITY_NAMED_IAM), '
  + 'and that it may run code (the reporter function) when a report URL is given.'
