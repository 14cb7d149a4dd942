// SPDX-License-Identifier: GPL-2.0-only
/*
 * kthread_run() as a pthread. Threads that end on their own (the kernel
 * reaps those) are joined by shim_kthread_reap() after each test case.
 */
#include <pthread.h>
#include <stdlib.h>
#include <linux/kthread.h>
#include <linux/rcupdate.h>

#include "shim.h"

struct task_struct {
	pthread_t thread;
	int (*fn)(void *data);
	void *data;
	int stop;
	int ret;
	struct task_struct *next;
};

static pthread_mutex_t tasks_lock = PTHREAD_MUTEX_INITIALIZER;
static struct task_struct *tasks;
static __thread struct task_struct *self;

static void *trampoline(void *arg)
{
	struct task_struct *t = arg;

	self = t;
	shim_rcu_register_thread();
	t->ret = t->fn(t->data);
	shim_rcu_unregister_thread();
	return NULL;
}

struct task_struct *shim_kthread_run(int (*fn)(void *data), void *data, const char *name)
{
	struct task_struct *t = calloc(1, sizeof(*t));

	(void)name;
	if (!t)
		return ERR_PTR(-12);
	t->fn = fn;
	t->data = data;
	if (pthread_create(&t->thread, NULL, trampoline, t)) {
		free(t);
		return ERR_PTR(-11);
	}
	pthread_mutex_lock(&tasks_lock);
	t->next = tasks;
	tasks = t;
	pthread_mutex_unlock(&tasks_lock);
	return t;
}

bool kthread_should_stop(void)
{
	return self && __atomic_load_n(&self->stop, __ATOMIC_ACQUIRE);
}

static int join(struct task_struct *t)
{
	struct task_struct **p;
	int ret;

	pthread_join(t->thread, NULL);
	ret = t->ret;
	pthread_mutex_lock(&tasks_lock);
	for (p = &tasks; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			break;
		}
	}
	pthread_mutex_unlock(&tasks_lock);
	free(t);
	return ret;
}

int kthread_stop(struct task_struct *t)
{
	__atomic_store_n(&t->stop, 1, __ATOMIC_RELEASE);
	return join(t);
}

void shim_kthread_reap(void)
{
	struct task_struct *t;

	for (;;) {
		pthread_mutex_lock(&tasks_lock);
		t = tasks;
		pthread_mutex_unlock(&tasks_lock);
		if (!t)
			return;
		join(t);
	}
}
