package dev.enclave.support;

import java.util.List;

import dev.enclave.support.EgressTrace.Attempt;
import dev.enclave.support.EgressTrace.Destination;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading strace's record: lines as strace 6 writes them with {@code -f -s 0 -o FILE}. */
class EgressTraceTests {

	@Test
	void loopbackInEveryFormIsLoopback() {
		EgressTrace trace = EgressTrace.parse(List.of(
				"9800  connect(3, {sa_family=AF_INET, sin_port=htons(5432), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0",
				"9801  connect(45, {sa_family=AF_INET6, sin6_port=htons(41234), sin6_flowinfo=htonl(0), "
						+ "inet_pton(AF_INET6, \"::ffff:127.0.0.1\", &sin6_addr), sin6_scope_id=0}, 28) = -1 "
						+ "EINPROGRESS (Operation now in progress)",
				"9800  sendto(4, \"\"..., 13, 0, {sa_family=AF_INET6, sin6_port=htons(9), sin6_flowinfo=htonl(0), "
						+ "inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}, 28) = 13",
				"9802  connect(7, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"127.1.2.3\")}, 16 "
						+ "<unfinished ...>",
				"9802  <... connect resumed>) = 0"));
		assertThat(trace.attempts()).extracting(Attempt::destination).containsOnly(Destination.LOOPBACK).hasSize(4);
		assertThat(trace.external()).isEmpty();
		assertThat(trace.reachedLoopbackPort(41234)).isTrue();
		assertThat(trace.reachedLoopbackPort(4123)).isFalse();
	}

	@Test
	void aQueryToTheResolverLeavesTheMachine() {
		EgressTrace trace = EgressTrace.parse(List.of(
				"9800  connect(5, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr(\"10.255.255.53\")}, 16) = 0",
				"9800  sendto(5, \"\"..., 6, 0, NULL, 0)   = 6"));
		assertThat(trace.external()).singleElement()
			.satisfies((attempt) -> assertThat(attempt.address()).isEqualTo("10.255.255.53:53"));
		assertThat(trace.attempts()).extracting(Attempt::destination)
			.containsExactly(Destination.EXTERNAL, Destination.UNADDRESSED);
	}

	@Test
	void addressesOutsideLoopbackInEitherFamilyLeave() {
		EgressTrace trace = EgressTrace.parse(List.of(
				"12  connect(5, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), "
						+ "inet_pton(AF_INET6, \"2606:4700::6810:84e5\", &sin6_addr), sin6_scope_id=0}, 28) = 0",
				"12  connect(6, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), "
						+ "inet_pton(AF_INET6, \"::ffff:52.216.1.1\", &sin6_addr), sin6_scope_id=0}, 28) = 0",
				"12  connect(7, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"0.0.0.0\")}, 16) = 0",
				"12  sendmsg(8, {msg_name={sa_family=AF_INET, sin_port=htons(123), sin_addr=inet_addr(\"192.0.2.7\")}, "
						+ "msg_namelen=16, msg_iov=[{iov_base=\"\"..., iov_len=48}], msg_iovlen=1, msg_controllen=0, "
						+ "msg_flags=0}, 0) = 48"));
		assertThat(trace.external()).extracting(Attempt::address)
			.containsExactly("[2606:4700::6810:84e5]:443", "[::ffff:52.216.1.1]:443", "0.0.0.0:80", "192.0.2.7:123");
	}

	@Test
	void theMachinesOwnChannelsStayLocal() {
		EgressTrace trace = EgressTrace.parse(List.of(
				"21  connect(6, {sa_family=AF_UNIX, sun_path=\"/tmp/.s.PGSQL.5432\"}, 110) = 0",
				"21  connect(6, {sa_family=AF_UNIX, sun_path=@\"abstract\"}, 11) = 0",
				"21  sendto(3, [{nlmsg_len=20, nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, "
						+ "nlmsg_seq=1, nlmsg_pid=0}, {ifi_family=AF_UNSPEC, ...}], 20, 0, "
						+ "{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 20",
				"21  connect(9, {sa_family=AF_UNSPEC, sa_data=\"\"...}, 16) = 0",
				"21  sendmsg(10, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"\"..., iov_len=5}], msg_iovlen=1, "
						+ "msg_controllen=0, msg_flags=0}, MSG_NOSIGNAL) = 5",
				"21  sendto(11, \"\"..., 6, MSG_NOSIGNAL, NULL, 0 <unfinished ...>",
				"21  sendmmsg(-1, NULL, 0, 0)          = -1 EBADF (Bad file descriptor)"));
		assertThat(trace.external()).isEmpty();
		assertThat(trace.attempts()).extracting(Attempt::destination)
			.containsExactly(Destination.LOCAL, Destination.LOCAL, Destination.LOCAL, Destination.LOCAL,
					Destination.UNADDRESSED, Destination.UNADDRESSED, Destination.UNADDRESSED);
	}

	@Test
	void whatCannotBeDecodedCountsAsLeaving() {
		EgressTrace trace = EgressTrace.parse(List.of(
				"30  connect(5, 0x7f3a2c001000, 16) = -1 EFAULT (Bad address)",
				"30  connect(5, {sa_family=AF_PACKET, sll_protocol=htons(ETH_P_ALL), sll_ifindex=2}, 20) = 0",
				"30  sendmsg(5, 0x7f3a2c001000, 0) = -1 EFAULT (Bad address)"));
		assertThat(trace.external()).hasSize(3);
	}

	@Test
	void theSummaryCountsByClassAndNamesEachAddress() {
		String summary = EgressTrace.parse(List.of(
				"1  connect(3, {sa_family=AF_INET, sin_port=htons(5432), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0",
				"1  connect(3, {sa_family=AF_INET, sin_port=htons(5432), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0",
				"1  connect(4, {sa_family=AF_UNIX, sun_path=\"/run/nscd/socket\"}, 110) = -1 ENOENT"))
			.summary();
		assertThat(summary).contains("3 socket calls recorded", "LOOPBACK AF_INET", "2 × connect 127.0.0.1:5432",
				"1 × connect \"/run/nscd/socket\"");
	}

}
