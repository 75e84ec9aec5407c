// Sections of the product not built yet (analytics): a tidy empty
// state saying what will live there.
import { ChartNoAxesColumn } from "lucide-react";
import type { ComponentType } from "react";
import { PageHeader } from "../components/page-header";
import { EmptyState } from "../components/states";
import { useCurrentOrganization } from "../lib/current-organization";

export type UpcomingSection = {
  title: string;
  description: string;
  icon: ComponentType<{ className?: string }>;
  emptyTitle: string;
  features: string[];
};

export const UPCOMING_SECTIONS = {
  analytics: {
    title: "Analytics",
    description: "How your phone lines are doing.",
    icon: ChartNoAxesColumn,
    emptyTitle: "Your call analytics will live here",
    features: ["Calls and minutes per day", "Outcomes, peak hours and transfer rate", "Average duration and caller sentiment"],
  },
} satisfies Record<string, UpcomingSection>;

export type UpcomingSectionKey = keyof typeof UPCOMING_SECTIONS;

export function UpcomingSectionPage({ section }: { section: UpcomingSection }) {
  const organization = useCurrentOrganization();
  const Icon = section.icon;
  return (
    <>
      <PageHeader title={section.title} description={section.description} />
      <div className="rounded-xl border border-dashed border-zinc-300 bg-white">
        <EmptyState icon={Icon} title={section.emptyTitle}>
          <p>This part of Switchboard is on its way for {organization.name}. Here is what it will do:</p>
          <ul className="mt-4 inline-block space-y-1.5 text-left">
            {section.features.map((feature) => (
              <li key={feature} className="flex items-start gap-2">
                <span aria-hidden className="mt-2 size-1.5 shrink-0 rounded-full bg-indigo-500" />
                {feature}
              </li>
            ))}
          </ul>
        </EmptyState>
      </div>
    </>
  );
}
