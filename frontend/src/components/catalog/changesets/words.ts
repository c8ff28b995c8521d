// Words and colours (as Naive UI tag types) of change-set statuses.
export type TagType = 'default' | 'success' | 'warning' | 'error' | 'info'

export function statusTag(status: string): TagType {
  switch (status) {
    case 'PREPARING':
    case 'APPLYING':
      return 'info'
    case 'SUCCEEDED':
      return 'success'
    case 'FAILED':
      return 'error'
    case 'CANCELLED':
      return 'warning'
    default:
      return 'default'
  }
}

export interface StepsState {
  /** 1-based step of NSteps. */
  current: number
  status: 'process' | 'finish' | 'error' | 'wait'
  /** Title and description of the middle step (a cancelled change set never applies). */
  middle: { title: string; description: string }
  /** Title of the last step: how it ended, or what it may end as. */
  last: string
}

const APPLYING = { title: 'Applying', description: 'Making the changes' }

/** Where a status stands on PREPARING → APPLYING → SUCCEEDED / FAILED / CANCELLED. */
export function stepsState(status: string): StepsState {
  switch (status) {
    case 'PREPARING':
      return { current: 1, status: 'process', middle: APPLYING, last: 'Succeeded, failed or cancelled' }
    case 'APPLYING':
      return { current: 2, status: 'process', middle: APPLYING, last: 'Succeeded or failed' }
    case 'SUCCEEDED':
      return { current: 3, status: 'finish', middle: APPLYING, last: 'Succeeded' }
    case 'FAILED':
      return { current: 3, status: 'error', middle: APPLYING, last: 'Failed' }
    case 'CANCELLED':
      // AWS cancels only while PREPARING: it stopped before applying anything.
      return { current: 2, status: 'error', middle: { title: 'Cancelled', description: 'Stopped before applying' }, last: 'Not applied' }
    default:
      return { current: 1, status: 'wait', middle: APPLYING, last: 'Succeeded, failed or cancelled' }
  }
}

export const STATUS_HELP: Record<string, string> = {
  PREPARING: 'AWS Marketplace is checking the request. It can still be cancelled.',
  APPLYING: 'AWS Marketplace is applying the changes. It can no longer be cancelled.',
  SUCCEEDED: 'Every change was applied.',
  FAILED: 'The change set failed. The reasons AWS Marketplace gave are below.',
  CANCELLED: 'The change set was cancelled before it was applied.',
}
