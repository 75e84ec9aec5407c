// Sign in with email and password; goes on to ?redirect= (e.g. an invitation) or the app.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { api, unwrap } from "../api/client";
import { startSession } from "../api/session";
import { Alert } from "../components/alert";
import { AuthCard, textLinkClasses } from "../components/auth-card";
import { Button } from "../components/button";
import { TextField } from "../components/form-field";
import { applyProblemToForm } from "../lib/form-errors";
import { currentPasswordField, emailField } from "../lib/form-schemas";

const route = getRouteApi("/guest/signin");

const schema = z.object({ email: emailField, password: currentPasswordField });
type Values = z.infer<typeof schema>;

export function SignInPage() {
  const { redirect } = route.useSearch();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { email: "", password: "" } });
  const signIn = useMutation({
    mutationFn: (values: Values) => unwrap(api.POST("/api/v1/auth/signin", { body: values })),
    onSuccess: async (tokens) => {
      queryClient.clear();
      startSession(tokens);
      await navigate({ href: redirect ?? "/", replace: true });
    },
    onError: (error) => applyProblemToForm(error, ["email", "password"], form.setError),
  });
  const { errors } = form.formState;

  return (
    <AuthCard
      title="Sign in to Switchboard"
      description="Welcome back. Your AI receptionist has been busy."
      footer={
        <>
          New to Switchboard?{" "}
          <Link to="/signup" search={redirect ? { redirect } : {}} className={textLinkClasses}>
            Create an account
          </Link>
        </>
      }
    >
      <form noValidate onSubmit={form.handleSubmit((values) => signIn.mutate(values))} className="space-y-4">
        {errors.root?.server && <Alert tone="error">{errors.root.server.message}</Alert>}
        <TextField label="Email" type="email" autoComplete="email" autoFocus error={errors.email?.message} {...form.register("email")} />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          error={errors.password?.message}
          labelAside={
            <Link to="/forgot-password" className={`text-xs ${textLinkClasses}`}>
              Forgot password?
            </Link>
          }
          {...form.register("password")}
        />
        <Button type="submit" className="w-full" pending={signIn.isPending}>
          Sign in
        </Button>
      </form>
    </AuthCard>
  );
}
