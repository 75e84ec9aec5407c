// Creating an assistant (from a template, or from scratch with a custom prompt) and editing a
// saved one: both load what they need, then hand it to the assistant form.
import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { ArrowLeft, FlaskConical, Sparkles } from "lucide-react";
import { useMemo } from "react";
import { assistantQuery, templateQuery } from "../api/assistants";
import { ApiProblem } from "../api/problem";
import { AssistantForm } from "../components/assistant/assistant-form";
import { buttonClasses } from "../components/button";
import { PageHeader } from "../components/page-header";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import type { RecipientForm } from "../lib/assistant-form";
import { useCurrentOrganization } from "../lib/current-organization";
import { INDUSTRY_INFO } from "../lib/industries";
import { can } from "../lib/permissions";
import { useMe } from "../lib/use-session";
import { StatusBadge } from "./assistants";

const createRoute = getRouteApi("/app/orgs/$orgId/assistants/create");
const editRoute = getRouteApi("/app/orgs/$orgId/assistants/$assistantId");

function BackLink({ to }: { to: "gallery" | "list" }) {
  const organization = useCurrentOrganization();
  const className = buttonClasses("ghost", "sm", "-ml-2.5 mb-3 text-zinc-500");
  return to === "gallery" ? (
    <Link to="/orgs/$orgId/assistants/new" params={{ orgId: organization.id }} search={{}} className={className}>
      <ArrowLeft aria-hidden className="size-3.5" />
      Templates
    </Link>
  ) : (
    <Link to="/orgs/$orgId/assistants" params={{ orgId: organization.id }} className={className}>
      <ArrowLeft aria-hidden className="size-3.5" />
      Assistants
    </Link>
  );
}

function NotFound({ what }: { what: string }) {
  const organization = useCurrentOrganization();
  return (
    <EmptyState
      icon={Sparkles}
      title={`${what} not found`}
      action={
        <Link to="/orgs/$orgId/assistants" params={{ orgId: organization.id }} className={buttonClasses("secondary")}>
          Back to assistants
        </Link>
      }
    >
      It may have been deleted.
    </EmptyState>
  );
}

export function NewAssistantPage() {
  const { template: slug } = createRoute.useSearch();
  const me = useMe();
  const template = useQuery({ ...templateQuery(slug ?? ""), enabled: Boolean(slug) });
  const user = me.data?.user;
  const recipient = useMemo<RecipientForm | undefined>(() => (user ? { name: user.name, email: user.email, phone: "" } : undefined), [user]);

  if (slug && template.isPending) return <LoadingState label="Loading the template…" />;
  if (slug && template.isError) {
    return template.error instanceof ApiProblem && template.error.status === 404 ? (
      <NotFound what="Template" />
    ) : (
      <ErrorState error={template.error} onRetry={() => void template.refetch()} />
    );
  }
  const chosen = slug ? (template.data ?? null) : null;
  return (
    <>
      <BackLink to="gallery" />
      <PageHeader
        title="New assistant"
        description={chosen ? `From the ${chosen.name} template (${INDUSTRY_INFO[chosen.industry].label}).` : "From scratch, with your own instructions."}
      />
      <AssistantForm key={chosen?.slug ?? "scratch"} template={chosen} defaultRecipient={recipient} />
    </>
  );
}

export function EditAssistantPage() {
  const organization = useCurrentOrganization();
  const { assistantId } = editRoute.useParams();
  const assistant = useQuery(assistantQuery(organization.id, assistantId));
  const slug = assistant.data?.templateSlug ?? null;
  const template = useQuery({ ...templateQuery(slug ?? ""), enabled: Boolean(slug) });

  if (assistant.isPending || (slug && template.isPending)) return <LoadingState label="Loading the assistant…" />;
  if (assistant.isError) {
    return assistant.error instanceof ApiProblem && assistant.error.status === 404 ? (
      <NotFound what="Assistant" />
    ) : (
      <ErrorState error={assistant.error} onRetry={() => void assistant.refetch()} />
    );
  }
  if (slug && template.isError) return <ErrorState error={template.error} onRetry={() => void template.refetch()} />;
  const chosen = slug ? (template.data ?? null) : null;
  return (
    <>
      <BackLink to="list" />
      <PageHeader
        title={assistant.data.name}
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            <StatusBadge status={assistant.data.status} />
            {chosen ? `${chosen.name} template` : "Custom prompt"}
          </span>
        }
        actions={
          can(organization.role, "assistants:test") && (
            <Link
              to="/orgs/$orgId/assistants/$assistantId/test"
              params={{ orgId: organization.id, assistantId: assistant.data.id }}
              search={{}}
              className={buttonClasses("secondary")}
            >
              <FlaskConical aria-hidden className="size-4" />
              Test
            </Link>
          )
        }
      />
      <AssistantForm key={assistant.data.id} template={chosen} assistant={assistant.data} />
    </>
  );
}
