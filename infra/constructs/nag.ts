/**
 * cdk-nag acknowledgements. The AwsSolutions pack runs as a validation plugin (infra/app.ts); each
 * construct acknowledges the findings about its own resources, next to them, with its reason.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** cdk-nag acknowledgement on the construct's CloudFormation resource (the narrowest place). */
export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct.node.defaultChild ?? construct).acknowledge({ id, reason });
}
