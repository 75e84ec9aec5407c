// Short-lived confirmations ("Invitation sent") in the corner, via Radix Toast; useToast() shows one.
import { X } from "lucide-react";
import { Toast } from "radix-ui";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { cx } from "../lib/class-names";

type ToastMessage = { id: number; title: string; description?: string; tone: "success" | "error" };
type ShowToast = (message: Omit<ToastMessage, "id" | "tone"> & { tone?: ToastMessage["tone"] }) => void;

const ToastContext = createContext<ShowToast>(() => {});

export function useToast(): ShowToast {
  return useContext(ToastContext);
}

let nextToastId = 1;

export function Toaster({ children }: { children: ReactNode }) {
  const [messages, setMessages] = useState<ToastMessage[]>([]);
  const show = useCallback<ShowToast>((message) => {
    setMessages((current) => [...current.slice(-2), { id: nextToastId++, tone: "success", ...message }]);
  }, []);
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      <Toast.Provider swipeDirection="right" duration={5000}>
        {children}
        {messages.map((message) => (
          <Toast.Root
            key={message.id}
            onOpenChange={(open) => {
              if (!open) setMessages((current) => current.filter((m) => m.id !== message.id));
            }}
            className={cx(
              "flex items-start gap-3 rounded-lg bg-white p-3.5 pr-2 shadow-lg ring-1 data-[state=open]:animate-[fade-in_150ms_ease-out]",
              message.tone === "error" ? "ring-red-200" : "ring-zinc-200",
            )}
          >
            <span aria-hidden className={cx("mt-1.5 size-2 shrink-0 rounded-full", message.tone === "error" ? "bg-red-500" : "bg-emerald-500")} />
            <div className="min-w-0 flex-1">
              <Toast.Title className="text-sm font-medium text-zinc-900">{message.title}</Toast.Title>
              {message.description && <Toast.Description className="mt-0.5 text-sm text-zinc-500">{message.description}</Toast.Description>}
            </div>
            <Toast.Close aria-label="Dismiss" className="rounded p-1 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700">
              <X aria-hidden className="size-4" />
            </Toast.Close>
          </Toast.Root>
        ))}
        <Toast.Viewport className="fixed right-0 bottom-0 z-50 flex w-full max-w-sm flex-col gap-2 p-4 outline-none" />
      </Toast.Provider>
    </ToastContext.Provider>
  );
}
