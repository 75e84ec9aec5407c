// Whether a call's first message must disclose the recording: the organization's policy
// ("always", "never", or "auto" = where the caller's jurisdiction requires all-party consent).
// "auto" is deliberately cautious: a withheld number or any number outside the North American
// Numbering Plan gets the disclosure (much of Europe requires it); within NANP, the US states
// that require all-party consent, recognised by area code (a ported or mobile number may live
// elsewhere; the list errs towards disclosing).
import type { OrganizationSettings } from "../organizations/schema.js";

export const RECORDING_DISCLOSURE = "This call may be recorded for quality and training purposes.";

/** Area codes of the all-party-consent states: CA, CT, FL, IL, MD, MA, MI, MT, NV, NH, PA, WA. */
const ALL_PARTY_CONSENT_AREA_CODES = new Set(
  [
    // California
    "209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 738 747 760 805 818 820 831 837 840 858 909 916 925 949 951",
    // Connecticut
    "203 475 860 959",
    // Florida
    "239 305 321 324 352 386 407 448 561 645 656 689 727 728 754 772 786 813 850 863 904 941 954",
    // Illinois
    "217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 861 872",
    // Maryland
    "227 240 301 410 443 667",
    // Massachusetts
    "339 351 413 508 617 774 781 857 978",
    // Michigan
    "231 248 269 313 517 586 616 679 734 810 906 947 989",
    // Montana
    "406",
    // Nevada
    "702 725 775",
    // New Hampshire
    "603",
    // Pennsylvania
    "215 223 267 272 412 445 484 570 582 610 717 724 814 835 878",
    // Washington
    "206 253 360 425 509 564",
  ].flatMap((line) => line.split(" ")),
);

export function requiresAllPartyConsent(callerNumber: string | null): boolean {
  if (callerNumber === null) return true;
  if (!callerNumber.startsWith("+1")) return true;
  return ALL_PARTY_CONSENT_AREA_CODES.has(callerNumber.slice(2, 5));
}

export function shouldDiscloseRecording(settings: OrganizationSettings, callerNumber: string | null): boolean {
  const policy = settings.recordingDisclosure ?? "auto";
  if (policy === "always") return true;
  if (policy === "never") return false;
  return requiresAllPartyConsent(callerNumber);
}

/** The first message with the disclosure in front, once. */
export function withRecordingDisclosure(firstMessage: string): string {
  return firstMessage.includes(RECORDING_DISCLOSURE) ? firstMessage : `${RECORDING_DISCLOSURE} ${firstMessage}`.trim();
}
