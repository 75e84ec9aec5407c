// The industries templates are made for: a label, a short line and an icon for each.
import { Building2, type LucideIcon, Scale, Scissors, Stethoscope, Truck, UtensilsCrossed, Wrench } from "lucide-react";
import type { Industry } from "../api/assistants";

export const INDUSTRY_INFO = {
  restaurant: { label: "Restaurant", blurb: "Reservations, orders and opening hours", icon: UtensilsCrossed },
  clinic: { label: "Clinic", blurb: "Appointments for dental and medical practices", icon: Stethoscope },
  legal: { label: "Legal", blurb: "Intake and callbacks for law offices", icon: Scale },
  home_services: { label: "Home services", blurb: "Jobs, quotes and emergencies for trades", icon: Wrench },
  logistics: { label: "Logistics", blurb: "Drivers, deliveries and dispatch", icon: Truck },
  salon: { label: "Salon & spa", blurb: "Bookings for treatments and stylists", icon: Scissors },
  office: { label: "Office", blurb: "A front desk for any business", icon: Building2 },
} satisfies Record<Industry, { label: string; blurb: string; icon: LucideIcon }>;

export const INDUSTRY_ORDER: Industry[] = ["restaurant", "clinic", "legal", "home_services", "logistics", "salon", "office"];

export function isIndustry(value: unknown): value is Industry {
  return typeof value === "string" && value in INDUSTRY_INFO;
}
