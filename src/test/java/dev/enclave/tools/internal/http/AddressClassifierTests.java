package dev.enclave.tools.internal.http;

import java.net.Inet6Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class AddressClassifierTests {

	@ParameterizedTest(name = "{0} is {1}")
	@CsvSource({
			// loopback
			"127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK", "::1, LOOPBACK",
			// link-local, cloud metadata included
			"169.254.169.254, LINK_LOCAL", "169.254.0.1, LINK_LOCAL", "fe80::1, LINK_LOCAL", "febf::1, LINK_LOCAL",
			// private, carrier-grade NAT and benchmarking included, and their edges
			"10.0.0.1, PRIVATE", "10.255.255.255, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE",
			"172.15.255.255, PUBLIC", "172.32.0.1, PUBLIC", "192.168.1.1, PRIVATE", "192.169.0.1, PUBLIC",
			"100.64.0.1, PRIVATE", "100.127.255.255, PRIVATE", "100.63.255.255, PUBLIC", "100.128.0.1, PUBLIC",
			"198.18.0.1, PRIVATE", "198.19.255.255, PRIVATE", "198.20.0.1, PUBLIC", "fc00::1, PRIVATE",
			"fd12:3456::1, PRIVATE", "fec0::1, PRIVATE",
			// unspecified
			"0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED", "::, UNSPECIFIED",
			// multicast, broadcast, reserved
			"224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST", "ff02::1, MULTICAST", "255.255.255.255, BROADCAST",
			"240.0.0.1, RESERVED",
			// IPv4 inside IPv6: mapped, translated, compatible, NAT64, 6to4, Teredo
			"::ffff:127.0.0.1, LOOPBACK", "::ffff:0:7f00:1, LOOPBACK", "::127.0.0.1, LOOPBACK", "::10.0.0.1, PRIVATE",
			"64:ff9b::127.0.0.1, LOOPBACK", "64:ff9b::a9fe:a9fe, LINK_LOCAL", "64:ff9b::8.8.8.8, PUBLIC",
			"64:ff9b:1::a00:1, PRIVATE", "2002:7f00:1::1, LOOPBACK", "2002:a9fe:a9fe::1, LINK_LOCAL",
			"2002:808:808::1, PUBLIC", "2001:0:4136:e378:8000:63bf:80ff:fffe, LOOPBACK",
			// public
			"8.8.8.8, PUBLIC", "93.184.216.34, PUBLIC", "1.1.1.1, PUBLIC", "2606:4700:4700::1111, PUBLIC",
			"2001:db8::1, PUBLIC" })
	void classifiesEveryKindOfAddress(String literal, AddressKind expected) throws Exception {
		assertThat(AddressClassifier.classify(InetAddress.getByName(literal))).isEqualTo(expected);
	}

	@Test
	void judgesAnIpv4MappedAddressKeptAsIpv6ByItsIpv4Address() throws Exception {
		// The JDK turns ::ffff:a.b.c.d into an Inet4Address when it parses one; built from bytes, it stays IPv6.
		InetAddress loopback = Inet6Address.getByAddress(null, mapped(127, 0, 0, 1), -1);
		InetAddress metadata = Inet6Address.getByAddress(null, mapped(169, 254, 169, 254), -1);
		InetAddress publicAddress = Inet6Address.getByAddress(null, mapped(8, 8, 8, 8), -1);

		assertThat(loopback).isInstanceOf(Inet6Address.class);
		assertThat(AddressClassifier.classify(loopback)).isEqualTo(AddressKind.LOOPBACK);
		assertThat(AddressClassifier.classify(metadata)).isEqualTo(AddressKind.LINK_LOCAL);
		assertThat(AddressClassifier.classify(publicAddress)).isEqualTo(AddressKind.PUBLIC);
	}

	@Test
	void onlyUnspecifiedMulticastBroadcastAndReservedAreAlwaysBlocked() {
		assertThat(AddressKind.values()).filteredOn(AddressKind::alwaysBlocked)
			.containsExactlyInAnyOrder(AddressKind.UNSPECIFIED, AddressKind.MULTICAST, AddressKind.BROADCAST,
					AddressKind.RESERVED);
	}

	private static byte[] mapped(int a, int b, int c, int d) {
		return new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) a, (byte) b, (byte) c,
				(byte) d };
	}

}
