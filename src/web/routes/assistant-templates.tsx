// "New assistant": the template gallery (grouped by industry, filterable, plus "start from
// scratch") and a template's detail (description, greeting, tools, suggested voice, what you will
// fill in, and its sample conversation as a chat transcript).
import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { ArrowLeft, ArrowRight, AudioLines, FilePenLine, MessageSquareQuote, Sparkles, Wrench } from "lucide-react";
import type { ReactNode } from "react";
import { type Industry, type Template, templateQuery, templatesQuery, type VariableDefinition } from "../api/assistants";
import { ApiProblem } from "../api/problem";
import { Badge } from "../components/badge";
import { buttonClasses } from "../components/button";
import { PageHeader } from "../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { cx } from "../lib/class-names";
import { useCurrentOrganization } from "../lib/current-organization";
import { INDUSTRY_INFO, INDUSTRY_ORDER } from "../lib/industries";
import { readableTemplateParts } from "../lib/prompt-text";
import { TOOL_INFO } from "../lib/tools";

const galleryRoute = getRouteApi("/app/orgs/$orgId/assistants/new");
const detailRoute = getRouteApi("/app/orgs/$orgId/assistants/templates/$slug");

const INDUSTRY_TINTS: Record<Industry, string> = {
  restaurant: "bg-orange-50 text-orange-600 ring-orange-100",
  clinic: "bg-sky-50 text-sky-600 ring-sky-100",
  legal: "bg-violet-50 text-violet-600 ring-violet-100",
  home_services: "bg-amber-50 text-amber-600 ring-amber-100",
  logistics: "bg-emerald-50 text-emerald-600 ring-emerald-100",
  salon: "bg-pink-50 text-pink-600 ring-pink-100",
  office: "bg-zinc-100 text-zinc-600 ring-zinc-200",
};

export function IndustryIcon({ industry, className }: { industry: Industry; className?: string }) {
  const Icon = INDUSTRY_INFO[industry].icon;
  return (
    <span aria-hidden className={cx("flex size-10 shrink-0 items-center justify-center rounded-lg ring-1", INDUSTRY_TINTS[industry], className)}>
      <Icon className="size-5" />
    </span>
  );
}

const FILTER =
  "inline-flex items-center gap-1.5 rounded-full px-3 py-1.5 text-sm font-medium ring-1 ring-inset ring-zinc-200 bg-white text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900 aria-[current=true]:bg-zinc-900 aria-[current=true]:text-white aria-[current=true]:ring-zinc-900";

function IndustryFilter({ current, available }: { current: Industry | undefined; available: Industry[] }) {
  const organization = useCurrentOrganization();
  return (
    <nav aria-label="Filter by industry" className="mb-6">
      <ul className="flex flex-wrap gap-2">
        <li>
          <Link to="/orgs/$orgId/assistants/new" params={{ orgId: organization.id }} search={{}} aria-current={current === undefined} className={FILTER}>
            All industries
          </Link>
        </li>
        {available.map((industry) => {
          const info = INDUSTRY_INFO[industry];
          const Icon = info.icon;
          return (
            <li key={industry}>
              <Link
                to="/orgs/$orgId/assistants/new"
                params={{ orgId: organization.id }}
                search={{ industry }}
                aria-current={current === industry}
                className={FILTER}
              >
                <Icon aria-hidden className="size-3.5" />
                {info.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function TemplateCard({ template }: { template: Template }) {
  const organization = useCurrentOrganization();
  return (
    <li className="group relative flex flex-col rounded-xl bg-white p-5 shadow-xs ring-1 ring-zinc-200 transition hover:shadow-md hover:ring-zinc-300">
      <div className="flex items-start gap-3">
        <IndustryIcon industry={template.industry} />
        <div className="min-w-0">
          <h3 className="font-semibold text-zinc-900">
            <Link
              to="/orgs/$orgId/assistants/templates/$slug"
              params={{ orgId: organization.id, slug: template.slug }}
              className="after:absolute after:inset-0 after:rounded-xl focus-visible:outline-none"
            >
              {template.name}
            </Link>
          </h3>
          <p className="text-xs text-zinc-500">{INDUSTRY_INFO[template.industry].label}</p>
        </div>
      </div>
      <p className="mt-3 line-clamp-3 flex-1 text-sm text-zinc-600">{template.description}</p>
      <div className="mt-4 flex flex-wrap gap-1.5">
        {template.tools.slice(0, 3).map((tool) => (
          <Badge key={tool}>{TOOL_INFO[tool]?.label ?? tool}</Badge>
        ))}
        {template.tools.length > 3 && <Badge>+{template.tools.length - 3} more</Badge>}
      </div>
      <span aria-hidden className="mt-4 inline-flex items-center gap-1 text-sm font-medium text-indigo-600 group-hover:gap-1.5">
        Preview template
        <ArrowRight className="size-3.5" />
      </span>
      {/* The whole card is one link (the title's, stretched); a ring shows keyboard focus on the card. */}
      <span aria-hidden className="pointer-events-none absolute inset-0 rounded-xl ring-indigo-500 group-has-[:focus-visible]:ring-2" />
    </li>
  );
}

function ScratchCard() {
  const organization = useCurrentOrganization();
  return (
    <li className="group relative flex flex-col rounded-xl border-2 border-dashed border-zinc-300 bg-white/60 p-5 transition hover:border-indigo-300 hover:bg-white">
      <div className="flex items-start gap-3">
        <span aria-hidden className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-indigo-50 text-indigo-600 ring-1 ring-indigo-100">
          <FilePenLine className="size-5" />
        </span>
        <div className="min-w-0">
          <h3 className="font-semibold text-zinc-900">
            <Link
              to="/orgs/$orgId/assistants/create"
              params={{ orgId: organization.id }}
              search={{}}
              className="after:absolute after:inset-0 after:rounded-xl focus-visible:outline-none"
            >
              Start from scratch
            </Link>
          </h3>
          <p className="text-xs text-zinc-500">Custom prompt</p>
        </div>
      </div>
      <p className="mt-3 flex-1 text-sm text-zinc-600">Write your own instructions for a business no template fits. You choose the tools and the voice.</p>
      <span aria-hidden className="pointer-events-none absolute inset-0 rounded-xl ring-indigo-500 group-has-[:focus-visible]:ring-2" />
    </li>
  );
}

function BackToAssistants() {
  const organization = useCurrentOrganization();
  return (
    <Link to="/orgs/$orgId/assistants" params={{ orgId: organization.id }} className={buttonClasses("ghost", "sm", "-ml-2.5 mb-3 text-zinc-500")}>
      <ArrowLeft aria-hidden className="size-3.5" />
      Assistants
    </Link>
  );
}

function IndustryHeading({ industry }: { industry: Industry }) {
  const info = INDUSTRY_INFO[industry];
  const Icon = info.icon;
  return (
    <div className="mb-3 flex items-center gap-2">
      <Icon aria-hidden className="size-4 text-zinc-400" />
      <h2 id={`industry-${industry}`} className="text-sm font-semibold text-zinc-900">
        {info.label}
      </h2>
      <span className="text-sm text-zinc-500">· {info.blurb}</span>
    </div>
  );
}

const GRID = "grid gap-4 sm:grid-cols-2 lg:grid-cols-3";

export function TemplateGalleryPage() {
  const { industry } = galleryRoute.useSearch();
  const templates = useQuery(templatesQuery());
  const groups = INDUSTRY_ORDER.map((i) => ({ industry: i, items: templates.data?.filter((t) => t.industry === i) ?? [] })).filter(
    (group) => group.items.length > 0,
  );
  const available = groups.map((group) => group.industry);
  // With a template or two per industry, one grid reads best; sections once an industry has several.
  const sectioned = groups.some((group) => group.items.length > 2);
  const chosen = industry ? groups.find((group) => group.industry === industry) : undefined;

  return (
    <>
      <BackToAssistants />
      <PageHeader title="New assistant" description="Start from a template made for your industry, or from scratch. You can change everything later." />
      {templates.isPending && <LoadingState label="Loading templates…" />}
      {templates.isError && <ErrorState error={templates.error} onRetry={() => void templates.refetch()} />}
      {templates.data && (
        <>
          <IndustryFilter current={industry} available={available} />
          {industry ? (
            <section aria-labelledby={`industry-${industry}`}>
              <IndustryHeading industry={industry} />
              {!chosen && <p className="mb-4 text-sm text-zinc-500">No templates for this industry yet: start from scratch, or pick another industry.</p>}
              <ul aria-label={`${INDUSTRY_INFO[industry].label} templates`} className={GRID}>
                {chosen?.items.map((template) => (
                  <TemplateCard key={template.slug} template={template} />
                ))}
                <ScratchCard />
              </ul>
            </section>
          ) : sectioned ? (
            <div className="space-y-10">
              <ul aria-label="Start from scratch" className={GRID}>
                <ScratchCard />
              </ul>
              {groups.map((group) => (
                <section key={group.industry} aria-labelledby={`industry-${group.industry}`}>
                  <IndustryHeading industry={group.industry} />
                  <ul aria-label={`${INDUSTRY_INFO[group.industry].label} templates`} className={GRID}>
                    {group.items.map((template) => (
                      <TemplateCard key={template.slug} template={template} />
                    ))}
                  </ul>
                </section>
              ))}
            </div>
          ) : (
            <ul aria-label="Templates" className={GRID}>
              {groups.flatMap((group) => group.items.map((template) => <TemplateCard key={template.slug} template={template} />))}
              <ScratchCard />
            </ul>
          )}
          {templates.data.length === 0 && (
            <EmptyState icon={Sparkles} title="No templates yet">
              Start from scratch with your own instructions.
            </EmptyState>
          )}
        </>
      )}
    </>
  );
}

function DetailBlock({ icon: Icon, title, children }: { icon: typeof Wrench; title: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="rounded-xl bg-white p-5 shadow-xs ring-1 ring-zinc-200">
      <h2 className="mb-3 flex items-center gap-2 text-sm font-semibold text-zinc-900">
        <Icon aria-hidden className="size-4 text-zinc-400" />
        {title}
      </h2>
      {children}
    </section>
  );
}

const VARIABLE_TYPE_LABELS: Record<VariableDefinition["type"], string> = {
  text: "Text",
  textarea: "Text",
  phone: "Phone",
  email: "Email",
  url: "Web address",
  number: "Number",
  select: "Choice",
  multiselect: "Choices",
  business_hours: "Hours",
  menu: "Price list",
  directory: "Directory",
};

/** The greeting with the business's name in it, and a highlighted stand-in for each value still to fill in. */
function readableGreeting(greeting: string, businessName: string): ReactNode[] {
  return readableTemplateParts(greeting, businessName).map((part, index) =>
    part.placeholder ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: static text split once
      <span key={index} className="rounded bg-indigo-100/70 px-1 font-medium text-indigo-800">
        {part.text}
      </span>
    ) : (
      part.text
    ),
  );
}

export function TemplateDetailPage() {
  const organization = useCurrentOrganization();
  const { slug } = detailRoute.useParams();
  const template = useQuery(templateQuery(slug));

  if (template.isPending) return <LoadingState label="Loading the template…" />;
  if (template.isError) {
    if (template.error instanceof ApiProblem && template.error.status === 404) {
      return (
        <EmptyState
          icon={Sparkles}
          title="Template not found"
          action={
            <Link to="/orgs/$orgId/assistants/new" params={{ orgId: organization.id }} search={{}} className={buttonClasses("secondary")}>
              See all templates
            </Link>
          }
        >
          It may have been renamed or retired.
        </EmptyState>
      );
    }
    return <ErrorState error={template.error} onRetry={() => void template.refetch()} />;
  }
  const t = template.data;
  const info = INDUSTRY_INFO[t.industry];

  return (
    <>
      <Link
        to="/orgs/$orgId/assistants/new"
        params={{ orgId: organization.id }}
        search={{}}
        className={buttonClasses("ghost", "sm", "-ml-2.5 mb-3 text-zinc-500")}
      >
        <ArrowLeft aria-hidden className="size-3.5" />
        All templates
      </Link>
      <div className="mb-8 flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="flex min-w-0 gap-4">
          <IndustryIcon industry={t.industry} className="size-12" />
          <div className="min-w-0">
            <h1 className="text-xl font-semibold tracking-tight text-zinc-900">{t.name}</h1>
            <p className="mt-0.5 text-sm text-zinc-500">{info.label} template</p>
            <p className="mt-2 max-w-2xl text-sm text-zinc-600">{t.description}</p>
          </div>
        </div>
        <Link to="/orgs/$orgId/assistants/create" params={{ orgId: organization.id }} search={{ template: t.slug }} className={buttonClasses("primary")}>
          Use this template
          <ArrowRight aria-hidden className="size-4" />
        </Link>
      </div>

      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="space-y-6">
          <DetailBlock icon={MessageSquareQuote} title="Greeting">
            <p className="rounded-2xl rounded-tl-sm bg-indigo-50 px-4 py-3 text-sm text-indigo-950">{readableGreeting(t.greeting, organization.name)}</p>
          </DetailBlock>
          <DetailBlock icon={Wrench} title="What it can do">
            <ul className="grid gap-3 sm:grid-cols-2">
              {t.tools.map((tool) => (
                <li key={tool} className="text-sm">
                  <span className="font-medium text-zinc-900">{TOOL_INFO[tool]?.label ?? tool}</span>
                  <span className="block text-xs text-zinc-500">{TOOL_INFO[tool]?.description}</span>
                </li>
              ))}
            </ul>
          </DetailBlock>
          <DetailBlock icon={FilePenLine} title="You will fill in">
            <ul className="divide-y divide-zinc-100">
              {t.variables.map((variable) => (
                <li key={variable.key} className="flex items-center justify-between gap-3 py-2 text-sm">
                  <span className="min-w-0">
                    <span className="font-medium text-zinc-800">{variable.label}</span>
                    {!variable.required && <span className="ml-1.5 text-xs text-zinc-400">Optional</span>}
                  </span>
                  <Badge>{VARIABLE_TYPE_LABELS[variable.type]}</Badge>
                </li>
              ))}
            </ul>
          </DetailBlock>
          <DetailBlock icon={AudioLines} title="Suggested voice">
            <p className="text-sm text-zinc-700">
              <span className="font-medium">{t.suggestedVoice.voiceId}</span> <span className="text-zinc-500">from {t.suggestedVoice.provider}</span>
            </p>
            <p className="mt-1 text-xs text-zinc-500">You can pick another voice when you configure the assistant.</p>
          </DetailBlock>
        </div>

        <section aria-labelledby="sample-heading" className="rounded-xl bg-white shadow-xs ring-1 ring-zinc-200 lg:sticky lg:top-6">
          <h2 id="sample-heading" className="border-b border-zinc-100 px-5 py-4 text-sm font-semibold text-zinc-900">
            Sample conversation
          </h2>
          <ol className="space-y-3 p-5">
            {t.sampleConversation.map((turn, index) => (
              <li
                // biome-ignore lint/suspicious/noArrayIndexKey: a fixed transcript
                key={index}
                className={cx("flex flex-col", turn.speaker === "assistant" ? "items-start" : "items-end")}
              >
                <span className="mb-0.5 px-1 text-[11px] font-medium text-zinc-400">{turn.speaker === "assistant" ? "Assistant" : "Caller"}</span>
                <p
                  className={cx(
                    "max-w-[85%] rounded-2xl px-3.5 py-2 text-sm",
                    turn.speaker === "assistant" ? "rounded-tl-sm bg-zinc-100 text-zinc-900" : "rounded-tr-sm bg-indigo-600 text-white",
                  )}
                >
                  {turn.text}
                </p>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </>
  );
}
