// Links to a stack's resources in the AWS console, as CloudFormation's own
// console links them (a real account only: the sandbox has no console).
import type { StackEvent } from '@/api/backend'

const enc = encodeURIComponent

/** The console page of a stack's events. */
export function stackEventsURL(region: string, stackId: string): string {
  return `https://${region}.console.aws.amazon.com/cloudformation/home?region=${enc(region)}#/stacks/events?stackId=${enc(stackId)}`
}

/**
 * The console page of the resource an event is about, or the stack's
 * resources tab when SellerDesk does not know the type's page; null when
 * the event names no physical resource yet.
 */
export function resourceURL(e: StackEvent, region: string, stackId: string): string | null {
  const id = e.physicalId
  if (!id) return null
  const r = enc(region)
  const lastPart = id.includes(':') ? id.slice(id.lastIndexOf(':') + 1) : id
  switch (e.type) {
    case 'AWS::CloudFormation::Stack':
      return stackEventsURL(region, id)
    case 'AWS::IAM::Role':
      return `https://console.aws.amazon.com/iam/home#/roles/details/${enc(lastPart.split('/').pop()!)}`
    case 'AWS::IAM::ManagedPolicy':
      return id.startsWith('arn:') ? `https://console.aws.amazon.com/iam/home#/policies/details/${enc(id)}` : null
    case 'AWS::S3::Bucket':
      return `https://s3.console.aws.amazon.com/s3/buckets/${enc(id)}?region=${r}`
    case 'AWS::SQS::Queue':
      return `https://${region}.console.aws.amazon.com/sqs/v3/home?region=${r}#/queues/${enc(id)}`
    case 'AWS::SNS::Topic':
      return `https://${region}.console.aws.amazon.com/sns/v3/home?region=${r}#/topic/${enc(id)}`
    case 'AWS::KMS::Key':
      return `https://${region}.console.aws.amazon.com/kms/home?region=${r}#/kms/keys/${enc(lastPart.split('/').pop()!)}`
    case 'AWS::Lambda::Function':
      return `https://${region}.console.aws.amazon.com/lambda/home?region=${r}#/functions/${enc(lastPart)}`
  }
  return `https://${region}.console.aws.amazon.com/cloudformation/home?region=${r}#/stacks/resources?stackId=${enc(stackId)}`
}
