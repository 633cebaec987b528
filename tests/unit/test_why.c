/* test_why.c - why a service is not ready: the Kubernetes objects that say it (pod
 * container states, scheduling, deployment conditions, ReplicaSets, Warning events, an
 * autoscaling/v1 HPA) decoded as a poll decodes them, and core's order of reasons. */

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forgetop/kubeparse.h"
#include "forgetop/snapjson.h"
#include "forgetop/why.h"

#define DEPLOY(conds)                                                                              \
    "{\"items\":[{\"metadata\":{\"name\":\"web\"},"                                                \
    "\"spec\":{\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}},"                  \
    "\"status\":{\"readyReplicas\":1,\"conditions\":[" conds "]}}]}"
#define OWNED(n)                                                                                   \
    "\"metadata\":{\"name\":\"web-5d8f-" n "\",\"labels\":{\"app\":\"web\","                       \
    "\"pod-template-hash\":\"5d8f\"},\"ownerReferences\":[{\"kind\":\"ReplicaSet\","               \
    "\"name\":\"web-5d8f\"}]}"
#define PULL                                                                                       \
    "{" OWNED("a") ",\"status\":{\"phase\":\"Pending\",\"containerStatuses\":[{\"name\":\"c\","    \
                   "\"ready\":false,\"state\":{\"waiting\":{\"reason\":\"ImagePullBackOff\","      \
                   "\"message\":"                                                                  \
                   "\"Back-off pulling image \\\"nope:1\\\"\\u001b[31m\"}}}]}}"
#define OOM                                                                                        \
    "{" OWNED(                                                                                     \
        "b") ",\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"c\","          \
             "\"ready\":false,\"restartCount\":4,\"state\":{\"waiting\":{\"reason\":"              \
             "\"CrashLoopBackOff\",\"message\":\"back-off 40s\"}},\"lastState\":{\"terminated\":"  \
             "{\"reason\":\"OOMKilled\",\"exitCode\":137}}}]}}"
#define READY                                                                                      \
    "{" OWNED(                                                                                     \
        "c") ",\"status\":{\"phase\":\"Running\",\"conditions\":[{\"type\":\"Ready\","             \
             "\"status\":\"True\"}],\"containerStatuses\":[{\"name\":\"c\",\"ready\":true,"        \
             "\"state\":{\"running\":{}},\"lastState\":{\"terminated\":{\"reason\":\"OOMKilled\"," \
             "\"exitCode\":137}}}]}}"
#define UNSCHED                                                                                    \
    "{" OWNED(                                                                                     \
        "d") ",\"status\":{\"phase\":\"Pending\",\"conditions\":[{\"type\":"                       \
             "\"PodScheduled\",\"status\":\"False\",\"reason\":\"Unschedulable\",\"message\":"     \
             "\"0/3 nodes are available: 3 Insufficient cpu.\"}]}}"
#define RS(owner, name, rev, n)                                                                    \
    "{\"metadata\":{\"name\":\"" name "\",\"annotations\":{\"deployment.kubernetes.io/revision\":" \
    "\"" rev "\"},\"ownerReferences\":[{\"kind\":\"Deployment\",\"name\":\"" owner "\"}]},"        \
    "\"spec\":{\"replicas\":" n "},\"status\":{\"readyReplicas\":1}}"
#define EV(kind, name, reason, t)                                                                  \
    "{\"type\":\"Warning\",\"reason\":\"" reason "\",\"message\":\"m " reason "\",\"count\":3,"    \
    "\"involvedObject\":{\"kind\":\"" kind "\",\"name\":\"" name "\"},"                            \
    "\"lastTimestamp\":\"2026-12-01T10:00:" t "Z\"}"

static int parse(const char *const body[KUBE_LISTS], struct snapshot *s, char *err)
{
    long status[KUBE_LISTS];
    size_t len[KUBE_LISTS];
    for (size_t i = 0; i < KUBE_LISTS; i++) {
        status[i] = body[i] ? 200 : 0;
        len[i] = body[i] ? strlen(body[i]) : 0;
    }
    return kube_parse_lists(status, body, len, s, err, 256);
}

static const struct pod *pod_named(const struct service *s, const char *suffix)
{
    for (size_t i = 0; i < s->n_pods; i++)
        if (strstr(s->pods[i].name, suffix) != NULL)
            return &s->pods[i];
    cr_assert_fail("no pod %s", suffix);
    return NULL;
}

Test(why, pod_reasons_come_from_container_states_and_scheduling)
{
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    const char *body[KUBE_LISTS] = {
        [KUBE_DEPLOYMENTS] = DEPLOY(""),
        [KUBE_PODS] = "{\"items\":[" PULL "," OOM "," READY "," UNSCHED "]}",
    };
    cr_assert_eq(parse(body, s, err), 0, "%s", err);
    cr_assert_eq(s->n_services, 1);
    const struct service *w = &s->services[0];
    cr_assert_eq(w->n_pods, 4);
    const struct pod *p = pod_named(w, "-a");
    cr_assert_str_eq(p->reason, "ImagePullBackOff");
    /* the server's escape sequence never reaches the terminal */
    cr_assert_null(strchr(p->message, '\033'), "%s", p->message);
    cr_assert(strstr(p->message, "Back-off pulling image \"nope:1\"") != NULL, "%s", p->message);
    p = pod_named(w, "-b");
    cr_assert_str_eq(p->reason, "CrashLoopBackOff");
    cr_assert_str_eq(p->last_reason, "OOMKilled");
    cr_assert_eq(p->exit_code, 137);
    p = pod_named(w, "-d");
    cr_assert_str_eq(p->reason, "Unschedulable");
    cr_assert_str_eq(p->message, "0/3 nodes are available: 3 Insufficient cpu.");
    snapshot_free(s);
}

Test(why, conditions_replicasets_and_warning_events_join_the_deployment)
{
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    const char *body[KUBE_LISTS] = {
        [KUBE_DEPLOYMENTS] = DEPLOY("{\"type\":\"ReplicaFailure\",\"status\":\"True\",\"reason\":"
                                    "\"FailedCreate\",\"message\":\"exceeded quota: q\"}"),
        [KUBE_PODS] = "{\"items\":[" PULL "]}",
        [KUBE_REPLICASETS] = "{\"items\":[" RS("web", "web-11", "1", "0") "," RS(
            "web", "web-5d8f", "2", "3") "," RS("other", "other-1", "1", "1") "]}",
        [KUBE_EVENTS] = "{\"items\":[" EV("Pod", "web-5d8f-a", "Failed", "01") "," EV(
            "ReplicaSet", "web-5d8f", "FailedCreate",
            "03") "," EV("Deployment", "web", "Odd", "02") "," EV("Pod", "stranger", "Failed",
                                                                  "04") "]}",
    };
    cr_assert_eq(parse(body, s, err), 0, "%s", err);
    const struct service *w = &s->services[0];
    cr_assert_eq(w->n_conditions, 1);
    cr_assert_str_eq(w->conditions[0].reason, "FailedCreate");
    cr_assert_str_eq(model_text(w->conditions[0].message), "exceeded quota: q");
    /* the newest revision first; a ReplicaSet owned by another deployment is not its */
    cr_assert_eq(w->n_rsets, 2, "%zu rsets, notice %s", w->n_rsets, s->notice);
    cr_assert_str_eq(w->rsets[0].name, "web-5d8f");
    cr_assert_eq(w->rsets[0].revision, 2);
    cr_assert_eq(w->rsets[0].desired, 3);
    cr_assert_eq(w->rsets[1].revision, 1);
    /* events of the deployment, its ReplicaSet and its pod, newest first; not a stranger's */
    cr_assert_eq(w->n_events, 3);
    cr_assert_str_eq(w->events[0].reason, "FailedCreate");
    cr_assert_str_eq(w->events[0].object, "ReplicaSet/web-5d8f");
    cr_assert_str_eq(w->events[1].reason, "Odd");
    cr_assert_str_eq(w->events[2].object, "Pod/web-5d8f-a");
    cr_assert_eq(w->events[2].count, 3);
    snapshot_free(s);
}

Test(why, events_kept_per_service_are_the_newest_and_bounded)
{
    struct service svc;
    service_init(&svc);
    for (int i = 0; i < 40; i++) {
        struct event e = {.count = 1, .last_at = (i * 7) % 40}; /* every time once, shuffled */
        snprintf(e.reason, sizeof e.reason, "r%d", (i * 7) % 40);
        service_keep_event(&svc, &e);
    }
    cr_assert_eq(svc.n_events, FT_EVENTS_MAX);
    for (size_t i = 0; i < svc.n_events; i++)
        cr_assert_float_eq(svc.events[i].last_at, 39 - (double)i, 1e-9);
    free(svc.events);
}

Test(why, the_order_names_the_cause_before_its_consequence)
{
    cr_assert_lt(why_rank("FailedCreate"), why_rank("Unschedulable"));
    cr_assert_lt(why_rank("Unschedulable"), why_rank("ImagePullBackOff"));
    cr_assert_lt(why_rank("ImagePullBackOff"), why_rank("OOMKilled"));
    cr_assert_lt(why_rank("OOMKilled"), why_rank("CrashLoopBackOff"));
    cr_assert_lt(why_rank("CrashLoopBackOff"), why_rank("ProgressDeadlineExceeded"));
    cr_assert_lt(why_rank("ProgressDeadlineExceeded"), why_rank("SomethingNew"));
    cr_assert_lt(why_rank("SomethingNew"), why_rank("ContainerCreating"));
    cr_assert_eq(why_rank(""), 0);
    cr_assert_eq(why_rank("Completed"), 0);
    cr_assert_eq(why_rank("MinimumReplicasUnavailable"), 0);
}

Test(why, the_service_reason_is_the_most_important_of_its_pods_and_conditions)
{
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    const char *body[KUBE_LISTS] = {
        [KUBE_DEPLOYMENTS] = DEPLOY("{\"type\":\"Progressing\",\"status\":\"False\",\"reason\":"
                                    "\"ProgressDeadlineExceeded\"}"),
        [KUBE_PODS] = "{\"items\":[" OOM "," READY "]}",
    };
    cr_assert_eq(parse(body, s, err), 0, "%s", err);
    struct service *w = &s->services[0];
    why_fill(w);
    /* the loop's cause, not the loop, nor the deadline it made the rollout miss */
    cr_assert_str_eq(w->reason, "OOMKilled");
    w->pods[0].ready = true; /* a ready pod's past OOMKilled explains nothing */
    why_fill(w);
    cr_assert_str_eq(w->reason, "OOMKilled", "the source's word is kept when it ranks higher");
    w->reason[0] = '\0';
    why_fill(w);
    cr_assert_str_eq(w->reason, "ProgressDeadlineExceeded");
    w->n_conditions = 0;
    w->reason[0] = '\0';
    why_fill(w);
    cr_assert_str_eq(w->reason, "");
    snapshot_free(s);
}

Test(why, an_autoscaling_v1_hpa_is_read)
{
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    const char *body[KUBE_LISTS] = {
        [KUBE_DEPLOYMENTS] = DEPLOY(""),
        [KUBE_HPAS] =
            "{\"apiVersion\":\"autoscaling/v1\",\"items\":[{\"metadata\":{\"name\":\"web-hpa\","
            "\"annotations\":{\"autoscaling.alpha.kubernetes.io/conditions\":"
            "\"[{\\\"type\\\":\\\"ScalingLimited\\\",\\\"status\\\":\\\"True\\\","
            "\\\"reason\\\":\\\"TooFewReplicas\\\"}]\"}},"
            "\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"web\"},"
            "\"minReplicas\":2,\"maxReplicas\":9,\"targetCPUUtilizationPercentage\":65},"
            "\"status\":{\"currentReplicas\":3,\"desiredReplicas\":4,"
            "\"currentCPUUtilizationPercentage\":88}}]}",
        [KUBE_EVENTS] = "{\"items\":[" EV("HorizontalPodAutoscaler", "web-hpa",
                                          "FailedGetResourceMetric", "05") "]}",
    };
    cr_assert_eq(parse(body, s, err), 0, "%s", err);
    const struct autoscaler *a = &s->services[0].autoscaler;
    cr_assert(a->present);
    cr_assert_eq(a->min, 2);
    cr_assert_eq(a->max, 9);
    cr_assert_eq(a->desired, 4);
    cr_assert(a->desired_known);
    cr_assert_float_eq(a->cpu_target, 65, 1e-9);
    cr_assert_float_eq(a->cpu_current, 88, 1e-9);
    cr_assert(isnan(a->mem_target));
    cr_assert_str_eq(model_text(a->conditions), "ScalingLimited: TooFewReplicas");
    /* the HPA's own events are the service's too */
    cr_assert_eq(s->services[0].n_events, 1);
    cr_assert_str_eq(s->services[0].events[0].object, "HorizontalPodAutoscaler/web-hpa");
    snapshot_free(s);
}

Test(why, reasons_conditions_replicasets_and_events_survive_a_recording)
{
    struct snapshot *s = snapshot_new();
    char err[256] = "";
    const char *body[KUBE_LISTS] = {
        [KUBE_DEPLOYMENTS] = DEPLOY("{\"type\":\"ReplicaFailure\",\"status\":\"True\",\"reason\":"
                                    "\"FailedCreate\",\"message\":\"exceeded quota: q\"}"),
        [KUBE_PODS] = "{\"items\":[" OOM "]}",
        [KUBE_REPLICASETS] = "{\"items\":[" RS("web", "web-5d8f", "2", "3") "]}",
        [KUBE_EVENTS] = "{\"items\":[" EV("Pod", "web-5d8f-b", "BackOff", "01") "]}",
    };
    cr_assert_eq(parse(body, s, err), 0, "%s", err);
    char *json = snapjson_encode(s);
    struct snapshot *back = snapjson_decode(json, err, sizeof err);
    cr_assert_not_null(back, "%s", err);
    const struct service *a = &s->services[0], *b = &back->services[0];
    cr_assert_str_eq(b->pods[0].last_reason, a->pods[0].last_reason);
    cr_assert_eq(b->pods[0].exit_code, 137);
    cr_assert_eq(b->n_conditions, 1);
    cr_assert_str_eq(model_text(b->conditions[0].message), "exceeded quota: q");
    cr_assert_eq(b->n_rsets, 1);
    cr_assert_eq(b->rsets[0].revision, 2);
    cr_assert_eq(b->n_events, 1);
    cr_assert_str_eq(b->events[0].message, a->events[0].message);
    cr_assert_float_eq(b->events[0].last_at, a->events[0].last_at, 1e-9);
    free(json);
    snapshot_free(back);
    snapshot_free(s);
}
