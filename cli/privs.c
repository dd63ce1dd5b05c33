// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "privs: " fmt
#include "cli/privs.h"

#include <cap-ng.h>
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>

#include "vmm/log.h"

static int change_user(const char *user)
{
	struct passwd *pw = getpwnam(user);
	int ret;

	if (!pw) {
		pr_err("security:user: no user named '%s'", user);
		return -ENOENT;
	}
	capng_clear(CAPNG_SELECT_BOTH);
	ret = capng_change_id(pw->pw_uid, pw->pw_gid, CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING);
	if (ret) {
		pr_err("cannot switch to user '%s' (libcap-ng error %d)", user, ret);
		return -EPERM;
	}
	pr_info("running as user %s (uid %u), no capabilities", user, (unsigned)pw->pw_uid);
	return 0;
}

int privs_drop(const char *user)
{
	int had = capng_have_capabilities(CAPNG_SELECT_CAPS);
	int ret;

	if (user) {
		ret = change_user(user);
		if (ret)
			return ret;
	} else if (had != CAPNG_NONE) {
		capng_clear(CAPNG_SELECT_BOTH);
		if (capng_apply(CAPNG_SELECT_BOTH)) {
			pr_err("cannot drop capabilities");
			return -EPERM;
		}
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		pr_err("cannot set no_new_privs: %s", strerror(errno));
		return -errno;
	}
	if (had != CAPNG_NONE)
		pr_debug("dropped all %scapabilities", had == CAPNG_FULL ? "(a full set of) " : "");
	return 0;
}
