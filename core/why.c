/* why.c - the one word that says why a service is not ready: its pods' reasons and its
 * conditions ranked by how early in a pod's life they block it, so the overview names
 * the cause an operator must fix first, not a symptom that follows from it. */

#include <string.h>

#include "forgetop/text.h"
#include "forgetop/why.h"

/* A pod's life in order: created (quota, admission), scheduled, image pulled, container
 * created, running without dying; a rollout deadline is the consequence of any of these,
 * so it comes after them, and the transient reasons of a pod that is starting come last.
 * Within a stage, the first listed wins. A termination's cause (OOMKilled) is placed
 * before the loop it causes (CrashLoopBackOff): it is what to fix. */
static const struct {
    const char *reason;
    int rank;
} order[] = {
    {"FailedCreate", 1},
    {"Unschedulable", 2},
    {"ImagePullBackOff", 3},
    {"ErrImagePull", 3},
    {"InvalidImageName", 3},
    {"ErrImageNeverPull", 3},
    {"CreateContainerConfigError", 4},
    {"CreateContainerError", 4},
    {"RunContainerError", 4},
    {"ContainerCannotRun", 4},
    {"OOMKilled", 5},
    {"CrashLoopBackOff", 6},
    {"Error", 7},
    {"Exited", 7},
    {"Restarting", 7},
    {"DeadlineExceeded", 7},
    {"Evicted", 7},
    {"ProgressDeadlineExceeded", 8},
    {"Unhealthy", 9},
    {"Paused", 9},
    {"ContainerCreating", 11},
    {"PodInitializing", 11},
    {"Starting", 11},
};

/* Reasons that say nothing is wrong: a pod that completed, a rollout that moves. */
static const char *const benign[] = {"Completed",
                                     "NewReplicaSetAvailable",
                                     "ReplicaSetUpdated",
                                     "NewReplicaSetCreated",
                                     "MinimumReplicasAvailable",
                                     "MinimumReplicasUnavailable"};

int why_rank(const char *reason)
{
    if (reason == NULL || reason[0] == '\0')
        return 0;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (strcmp(order[i].reason, reason) == 0)
            return order[i].rank;
    for (size_t i = 0; i < sizeof(benign) / sizeof(benign[0]); i++)
        if (strcmp(benign[i], reason) == 0)
            return 0;
    return 10; /* a reason this list does not know still explains more than none */
}

static void consider(char *best, size_t len, int *best_rank, const char *reason)
{
    int r = why_rank(reason);
    if (r > 0 && (*best_rank == 0 || r < *best_rank)) {
        *best_rank = r;
        text_printf(best, len, "%s", reason);
    }
}

void why_fill(struct service *svc)
{
    char best[sizeof(svc->reason)];
    int rank = 0;
    text_printf(best, sizeof(best), "%s", svc->reason);
    rank = why_rank(best);
    for (size_t i = 0; i < svc->n_pods && svc->pods != NULL; i++) {
        const struct pod *p = &svc->pods[i];
        if (p->ready)
            continue; /* a ready pod's past (an old OOMKilled) explains nothing now */
        consider(best, sizeof(best), &rank, p->reason);
        consider(best, sizeof(best), &rank, p->last_reason);
    }
    for (size_t i = 0; i < svc->n_conditions && svc->conditions != NULL; i++) {
        const struct condition *c = &svc->conditions[i];
        bool bad = (strcmp(c->type, "ReplicaFailure") == 0 && strcmp(c->status, "True") == 0) ||
                   (strcmp(c->type, "Progressing") == 0 && strcmp(c->status, "False") == 0);
        if (bad)
            consider(best, sizeof(best), &rank, c->reason);
    }
    text_printf(svc->reason, sizeof(svc->reason), "%s", rank > 0 ? best : "");
}
