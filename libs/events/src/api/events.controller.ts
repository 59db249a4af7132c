import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '@rollcall/common';
import { AdminAuth, OrganizationId } from '@rollcall/tenancy';
import { EVENT_CATALOGUE } from './event-catalogue';
import { EventListQueryDto, EventListResponseDto, EventTypeListDto } from './events.dto';
import { EventsApiService } from './events.service';

@ApiTags('Events')
@AdminAuth()
@Controller('api/v1/events')
export class EventsController {
  constructor(private readonly events: EventsApiService) {}

  @Get()
  @ApiOperation({
    summary: 'Read the organization’s events, oldest first, from a cursor',
    description:
      'Every change to users, groups, the SCIM integration and the SSO connection, in the order of the changes. Follow `nextCursor`: a reader that does never skips an event and never sees one twice. With `wait`, an empty answer waits (long poll) until an event arrives. A cursor older than the retention period answers 410 `cursor_expired`. See docs/events.md.',
  })
  @ApiOkResponse({ type: EventListResponseDto })
  @ApiProblems('validation_failed', 'invalid_cursor', 'cursor_expired')
  list(
    @OrganizationId() organizationId: string,
    @Query() query: EventListQueryDto,
  ): Promise<EventListResponseDto> {
    return this.events.list(organizationId, query);
  }

  @Get('types')
  @ApiOperation({
    summary: 'The event types: what each is about and when it happens',
    description:
      'The catalogue of docs/events.md, for a form that chooses types (webhooks, the `types` filter). The same for every organization.',
  })
  @ApiOkResponse({ type: EventTypeListDto })
  types(): EventTypeListDto {
    return { data: [...EVENT_CATALOGUE] };
  }
}
