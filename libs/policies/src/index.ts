import { ApplicationPolicyEntity } from './application-policy.entity';
import { PolicyShareEntity } from './policy-share.entity';
import { PolicyVersionEntity } from './policy-version.entity';
import { PolicyEntity } from './policy.entity';

export { PoliciesModule } from './policies.module';
export { PoliciesService, type Policy, type PolicyInput, type PolicyVersion } from './policies.service';
export { simulate, type SimulationInput, type SimulationResult, type SimulatedSession } from './simulate';
export { PoliciesError, PoliciesErrorCode } from './policies.errors';
/** Request DTO other libraries build on (configuration as code), so a field is declared and validated once. */
export { PolicyInputDto } from './dto/policy.dto';

/** For the data source (migrations, CLI) only; other libraries never use these. */
export const POLICY_ENTITIES = [PolicyEntity, PolicyVersionEntity, ApplicationPolicyEntity, PolicyShareEntity];
