import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, PageQueryDto, UuidParamPipe } from '@rollcall/common';
import { OrganizationsService } from '@rollcall/identity';
import { PortalSessionsService, SetupLinkResponseDto } from '@rollcall/portal-sessions';
import {
  AdminApiKeyCreateDto,
  AdminApiKeyCreatedResponseDto,
} from '../admin-api-keys/admin-api-key.dto';
import { AdminApiKeyResponseDto } from '../admin-api-keys/admin-api-key.dto';
import { AdminAuth, OperatorAuth, OrganizationId } from '../auth/auth.decorators';
import {
  OrganizationCreateDto,
  OrganizationCreatedResponseDto,
  OrganizationListResponseDto,
  OrganizationResponseDto,
  OrganizationSettingsUpdateDto,
  OrganizationUpdateDto,
} from './organization.dto';
import { TenantsService } from './tenants.service';

const OrganizationIdParam = new UuidParamPipe('Organization');

@ApiTags('Organizations (operator)')
@OperatorAuth()
@Controller('api/v1/organizations')
export class OrganizationsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly organizations: OrganizationsService,
    private readonly portal: PortalSessionsService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create an organization',
    description:
      'Creates a tenant with its default license pool and returns its first admin API key (shown once).',
  })
  @ApiCreatedResponse({ type: OrganizationCreatedResponseDto })
  @ApiProblems('validation_failed', 'malformed_request', 'slug_taken', 'payload_too_large')
  async create(@Body() body: OrganizationCreateDto): Promise<OrganizationCreatedResponseDto> {
    const { organization, adminApiKey } = await this.tenants.create({
      ...body,
      proForAllUsers: body.proForAllUsers ?? false,
    });
    return { ...OrganizationResponseDto.from(organization), adminApiKey: adminApiKey.key };
  }

  @Get()
  @ApiOperation({ summary: 'List organizations', description: 'In creation order, keyset-paged.' })
  @ApiOkResponse({ type: OrganizationListResponseDto })
  @ApiProblems('validation_failed')
  async list(@Query() query: PageQueryDto): Promise<OrganizationListResponseDto> {
    const page = await this.organizations.list(query.limit ?? 50, query.cursor);
    return {
      data: page.data.map((o) => OrganizationResponseDto.from(o)),
      nextCursor: page.nextCursor,
    };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an organization' })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiProblems('not_found')
  async get(@Param('id', OrganizationIdParam) id: string): Promise<OrganizationResponseDto> {
    return OrganizationResponseDto.from(await this.organizations.get(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change an organization’s plan, licenses, name or proForAllUsers',
    description:
      'A new totalLicenses resizes the default pool; it is refused when custom pools or seats in use would not fit.',
  })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiProblems('not_found', 'validation_failed', 'not_enough_licenses', 'conflict')
  async update(
    @Param('id', OrganizationIdParam) id: string,
    @Body() body: OrganizationUpdateDto,
  ): Promise<OrganizationResponseDto> {
    return OrganizationResponseDto.from(await this.organizations.update(id, body));
  }

  @Post(':id/admin-api-keys')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Issue an admin API key for an organization',
    description: 'For support: lets the operator hand a locked-out admin a new key (shown once).',
  })
  @ApiCreatedResponse({ type: AdminApiKeyCreatedResponseDto })
  @ApiProblems('not_found', 'validation_failed')
  async issueAdminApiKey(
    @Param('id', OrganizationIdParam) id: string,
    @Body() body: AdminApiKeyCreateDto,
  ): Promise<AdminApiKeyCreatedResponseDto> {
    const issued = await this.tenants.issueAdminApiKey(id, body.name);
    return { ...AdminApiKeyResponseDto.from(issued), key: issued.key };
  }

  @Post(':id/setup-link')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Issue a one-time setup link into the admin portal',
    description:
      'For an organization’s first admin (or one locked out): opening the URL signs the browser in to the admin portal as an `admin`, once, within 24 hours. The token is in the URL’s fragment, so it reaches no server log; only its hash is kept.',
  })
  @ApiCreatedResponse({ type: SetupLinkResponseDto })
  @ApiProblems('not_found')
  async issueSetupLink(
    @Param('id', OrganizationIdParam) id: string,
  ): Promise<SetupLinkResponseDto> {
    const { url, expiresAt } = await this.portal.issueSetupLink(id);
    return { url, expiresAt: expiresAt.toISOString() };
  }
}

@ApiTags('Organization')
@AdminAuth()
@Controller('api/v1/organization')
export class CurrentOrganizationController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @ApiOperation({ summary: 'The organization the admin API key belongs to' })
  @ApiOkResponse({ type: OrganizationResponseDto })
  async get(@OrganizationId() organizationId: string): Promise<OrganizationResponseDto> {
    return OrganizationResponseDto.from(await this.organizations.get(organizationId));
  }

  @Patch()
  @ApiOperation({
    summary: 'Change the organization’s name or proForAllUsers',
    description:
      'plan and totalLicenses are the subscription: only the operator changes them, and sending them here is refused (400 `validation_failed` naming the field).',
  })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiProblems('validation_failed')
  async update(
    @OrganizationId() organizationId: string,
    @Body() body: OrganizationSettingsUpdateDto,
  ): Promise<OrganizationResponseDto> {
    const { name, proForAllUsers } = body;
    const changes = {
      ...(name !== undefined ? { name } : {}),
      ...(proForAllUsers !== undefined ? { proForAllUsers } : {}),
    };
    return OrganizationResponseDto.from(await this.organizations.update(organizationId, changes));
  }
}
