import { Query, Resolver } from '@nestjs/graphql';
import { AftaleError } from '@aftale/domain';
import { TenantService } from '@aftale/server';
import { AllowPublishableKey, Scope, type RequestScope } from '../../common/request-auth';
import { LocaleEnum } from '../tenant/dtos/outputs/tenant.output';
import { WidgetConfigOutput } from './dtos/outputs/widget-config.output';

/** The widget's public surface: publishable keys, from the vendor's allowed origins only. */
@Resolver(() => WidgetConfigOutput)
export class WidgetResolver {
  constructor(private readonly tenants: TenantService) {}

  @AllowPublishableKey()
  @Query(() => WidgetConfigOutput)
  async widgetConfig(@Scope() scope: RequestScope): Promise<WidgetConfigOutput> {
    const tenant = await this.tenants.get(scope.tenant);
    if (
      scope.auth.kind === 'publishable' &&
      scope.origin &&
      !tenant.allowedOrigins.includes(scope.origin)
    ) {
      throw new AftaleError(
        'FORBIDDEN',
        `The origin ${scope.origin} is not among the vendor's allowed widget origins.`,
      );
    }
    return {
      vendorName: tenant.name,
      vendorLegalName: tenant.legalName,
      defaultLocale: tenant.defaultLocale as LocaleEnum,
    };
  }
}
