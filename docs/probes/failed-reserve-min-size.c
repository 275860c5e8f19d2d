/* Probe run on Linux 6.18.44-fc-v595 (x86_64, 2026-11-22) as root; the output is the source of
 * scenarios/golden/kernel-runs/k4-failed-reserve-min-size.json. It re-balances the subpool (a later
 * reservation on the mount) before unmounting: unmounting right after the failed mmap would leave
 * HugePages_Rsvd at -1 until reboot. Assumes a pool at 0/0 and sets it back. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#define HP (2UL<<20)
static void show(const char *what){char b[4096];int fd=open("/proc/meminfo",O_RDONLY);int n=read(fd,b,sizeof b-1);close(fd);b[n]=0;
 unsigned long long t=0,f=0,r=0,s=0;char*p;
 if((p=strstr(b,"HugePages_Total:")))sscanf(p+16,"%llu",&t);
 if((p=strstr(b,"HugePages_Free:")))sscanf(p+15,"%llu",&f);
 if((p=strstr(b,"HugePages_Rsvd:")))sscanf(p+15,"%llu",&r);
 if((p=strstr(b,"HugePages_Surp:")))sscanf(p+15,"%llu",&s);
 struct statfs sf; long long blk=-2,bf=-2; if(!statfs("/tmp/k4/mnt",&sf)&&sf.f_type==0x958458f6){blk=(long long)sf.f_blocks;bf=(long long)sf.f_bfree;}
 printf("%-34s T=%llu F=%llu R=%lld S=%llu  blocks=%lld bfree=%lld\n",what,t,f,(long long)r,s,blk,bf);}
static void wr(const char*path,const char*v){int fd=open(path,O_WRONLY);if(fd<0){perror(path);exit(1);}if(write(fd,v,strlen(v))<0)perror(path);close(fd);}
int main(){
 wr("/proc/sys/vm/nr_overcommit_hugepages","0"); wr("/proc/sys/vm/nr_hugepages","1"); show("setup nr=1 O=0");
 mkdir("/tmp/k4/mnt",0755);
 if(mount("none","/tmp/k4/mnt","hugetlbfs",0,"size=6M,min_size=2M")){perror("mount");return 1;} show("mount size=3hp min_size=1hp");
 int fd=open("/tmp/k4/mnt/f",O_CREAT|O_RDWR,0600);
 char*a=mmap(0,3*HP,PROT_READ|PROT_WRITE,MAP_SHARED,fd,0); printf("mmap shared 3: %s\n", a==MAP_FAILED?strerror(errno):"ok"); show("after mmap 3");
 if(a!=MAP_FAILED) munmap(a,3*HP);
 close(fd); unlink("/tmp/k4/mnt/f"); show("unlink f");
 int fd2=open("/tmp/k4/mnt/g",O_CREAT|O_RDWR,0600);
 char*b=mmap(0,HP,PROT_READ|PROT_WRITE,MAP_SHARED,fd2,0); printf("mmap shared g 1: %s\n", b==MAP_FAILED?strerror(errno):"ok"); show("after mmap g 1");
 if(b!=MAP_FAILED) munmap(b,HP);
 close(fd2); unlink("/tmp/k4/mnt/g"); show("unlink g");
 umount("/tmp/k4/mnt"); show("umount");
 wr("/proc/sys/vm/nr_hugepages","0"); show("restored");
 return 0;}
