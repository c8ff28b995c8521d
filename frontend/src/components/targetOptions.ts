// The picker's options: sandbox scenarios, then local AWS profiles.
import type { ProfileView, ScenarioView, TargetView } from '@/api/backend'
import { targetKey } from '@/stores/session'

export interface TargetOption {
  value: string
  label: string
  kind: 'sandbox' | 'profile'
  /** Scenario description, or "sso · eu-west-1" for a profile. */
  detail: string
  disabled?: boolean
  problem?: string
}

export interface TargetGroup {
  key: 'sandbox' | 'profiles'
  label: string
  children: TargetOption[]
}

export function profileDetail(p: Pick<ProfileView, 'kind' | 'region'>): string {
  return [p.kind, p.region || 'no region'].filter(Boolean).join(' · ')
}

const DETAIL_MAX = 64

/**
 * An option's line in the list: the name, what it is (cut short; the sandbox
 * badge's tooltip shows the current scenario's description in full), and why
 * it cannot be used. Options carry no native title: WebKitGTK parses it as
 * GTK markup.
 */
export function optionText(o: TargetOption): string {
  if (o.value === '__no-profiles') return `${o.label} — ${o.detail}`
  const short = o.detail.length > DETAIL_MAX ? `${o.detail.slice(0, DETAIL_MAX - 1).trimEnd()}…` : o.detail
  const detail = short ? ` — ${short}` : ''
  return o.problem ? `${o.label}${detail} (unusable: ${o.problem})` : `${o.label}${detail}`
}

export function targetOptions(
  scenarios: ScenarioView[],
  profiles: ProfileView[],
  current: TargetView | null,
  profilesError: string | null,
): TargetGroup[] {
  const sandbox: TargetOption[] = scenarios.map((s) => ({
    value: targetKey('sandbox', s.name), label: s.name, kind: 'sandbox', detail: s.description,
  }))
  const local: TargetOption[] = profiles.map((p) => ({
    value: targetKey('profile', p.name), label: p.name, kind: 'profile', detail: profileDetail(p),
    disabled: Boolean(p.problem), problem: p.problem || undefined,
  }))
  // The current target may not be listed (default credentials, a scenario or
  // profile that went away): keep it selectable so the picker shows it.
  if (current) {
    const list = current.kind === 'sandbox' ? sandbox : local
    const key = targetKey(current.kind, current.name)
    if (!list.some((o) => o.value === key)) {
      list.unshift({ value: key, label: current.name || 'default credentials', kind: current.kind === 'sandbox' ? 'sandbox' : 'profile',
        detail: current.region || '' })
    }
  }
  if (!local.length) {
    local.push({ value: '__no-profiles', label: profilesError ? 'AWS profiles could not be read' : 'No AWS profiles found',
      kind: 'profile', detail: profilesError ?? 'Create one with “aws configure” or “aws configure sso”.', disabled: true,
      problem: profilesError ?? undefined })
  }
  return [
    { key: 'sandbox', label: 'Sandbox', children: sandbox },
    { key: 'profiles', label: 'AWS profiles', children: local },
  ]
}
